import { gunzipSync, gzipSync } from 'node:zlib';

import { type FeatureSettings } from './feature-hasher.util';
import { type LinearHead, type LinearModel } from './linear-model.types';

/**
 * The committed weights file: gzip of
 *   "PLIN" | u32 format version | u32 header length | header JSON (UTF-8) | zero padding to 4 bytes |
 *   per head (sentiment, then actionability): int8 weights, buckets × classes, feature-major.
 * Weights are int8 with square-root companding (w = sign · scale · (q/127)²): small weights keep fine steps and
 * the few large ones stay within ~2 %, at one byte per weight. Dense weights, biases and calibration are in the header.
 */
const MAGIC = 0x4e494c50; // "PLIN" little-endian
const FORMAT_VERSION = 1;
const LEVELS = 127;

interface HeadHeader {
  classes: string[];
  bucketBits: number;
  scale: number;
  dense: number[];
  bias: number[];
  temperature: number;
  threshold: number;
}

interface FileHeader {
  name: string;
  features: FeatureSettings;
  heads: { sentiment: HeadHeader; actionability: HeadHeader };
  metadata: Record<string, unknown>;
}

export class ModelFormatError extends Error {}

export function quantizeWeights(weights: Float32Array): { codes: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < weights.length; i++) {
    const a = Math.abs(weights[i]);
    if (a > max) max = a;
  }
  const codes = new Int8Array(weights.length);
  if (max === 0) return { codes, scale: 0 };
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    const q = Math.round(Math.sqrt(Math.abs(w) / max) * LEVELS);
    codes[i] = w < 0 ? -q : q;
  }
  return { codes, scale: max };
}

export function dequantizeWeights(codes: Int8Array, scale: number): Float32Array {
  // 255 possible codes: decode through a table rather than a square per weight.
  const table = new Float32Array(256);
  for (let q = -LEVELS; q <= LEVELS; q++) {
    const r = q / LEVELS;
    table[q + 128] = Math.sign(r) * r * r * scale;
  }
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i] + 128];
  return out;
}

function headHeader(head: LinearHead, scale: number): HeadHeader {
  return {
    classes: [...head.classes],
    bucketBits: head.bucketBits,
    scale,
    dense: Array.from(head.dense),
    bias: Array.from(head.bias),
    temperature: head.temperature,
    threshold: head.threshold,
  };
}

export function encodeModel(model: LinearModel): Buffer {
  const s = quantizeWeights(model.sentiment.weights);
  const a = quantizeWeights(model.actionability.weights);
  const header: FileHeader = {
    name: model.name,
    features: model.features,
    heads: { sentiment: headHeader(model.sentiment, s.scale), actionability: headHeader(model.actionability, a.scale) },
    metadata: model.metadata,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const prefix = Buffer.alloc(12);
  prefix.writeUInt32LE(MAGIC, 0);
  prefix.writeUInt32LE(FORMAT_VERSION, 4);
  prefix.writeUInt32LE(json.length, 8);
  const raw = Buffer.concat([prefix, json, Buffer.alloc(pad), Buffer.from(s.codes.buffer), Buffer.from(a.codes.buffer)]);
  return gzipSync(raw, { level: 9 });
}

export function decodeModel(file: Buffer): LinearModel {
  let raw: Buffer;
  try {
    raw = gunzipSync(file);
  } catch (error: unknown) {
    throw new ModelFormatError(`model file is not gzip: ${String(error)}`);
  }
  if (raw.length < 12 || raw.readUInt32LE(0) !== MAGIC) throw new ModelFormatError('not a perch-linear model file');
  const version = raw.readUInt32LE(4);
  if (version !== FORMAT_VERSION) throw new ModelFormatError(`unsupported model format version ${version}`);
  const headerLength = raw.readUInt32LE(8);
  const header = JSON.parse(raw.subarray(12, 12 + headerLength).toString('utf8')) as FileHeader;
  let offset = 12 + headerLength;
  offset += (4 - (offset % 4)) % 4;
  const readHead = (h: HeadHeader): LinearHead => {
    const size = (1 << h.bucketBits) * h.classes.length;
    if (offset + size > raw.length) throw new ModelFormatError('model file is truncated');
    const codes = new Int8Array(raw.buffer, raw.byteOffset + offset, size);
    offset += size;
    return {
      classes: h.classes,
      bucketBits: h.bucketBits,
      weights: dequantizeWeights(codes, h.scale),
      dense: Float32Array.from(h.dense),
      bias: Float32Array.from(h.bias),
      temperature: h.temperature,
      threshold: h.threshold,
    };
  };
  const sentiment = readHead(header.heads.sentiment);
  const actionability = readHead(header.heads.actionability);
  if (offset !== raw.length) throw new ModelFormatError('model file has trailing bytes');
  return { name: header.name, features: header.features, sentiment, actionability, metadata: header.metadata };
}
