import { accessSync, constants, readFileSync } from 'node:fs';

import { type KafkaTransportOptions } from '@perch/messaging';
import { LoggingEnv } from '@perch/platform';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * Kafka security and durability settings every distributed app reads (DistributedEnv extends this).
 * Unset, the apps talk plaintext to a broker whose defaults decide replication: fine for a laptop,
 * not for production (root README, "Production settings"). It extends LoggingEnv, which every app's environment holds.
 */
export class KafkaEnv extends LoggingEnv {
  /** `true`: TLS to the brokers, verified against the system CAs or KAFKA_SSL_CA_FILE. */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'KAFKA_SSL must be true or false' })
  KAFKA_SSL?: 'true' | 'false';

  /** PEM file of the CA that signed the brokers' certificates (a private CA). */
  @IsOptional()
  @IsString()
  @IsReadableFile()
  @RequiresSsl()
  KAFKA_SSL_CA_FILE?: string;

  /** PEM client certificate and key for mutual TLS; one without the other is refused. */
  @ValidateIf((env: KafkaEnv) => env.KAFKA_SSL_CERT_FILE !== undefined || env.KAFKA_SSL_KEY_FILE !== undefined)
  @IsDefined({ message: 'KAFKA_SSL_CERT_FILE is required with KAFKA_SSL_KEY_FILE' })
  @IsString()
  @IsReadableFile()
  @RequiresSsl()
  KAFKA_SSL_CERT_FILE?: string;

  @ValidateIf((env: KafkaEnv) => env.KAFKA_SSL_CERT_FILE !== undefined || env.KAFKA_SSL_KEY_FILE !== undefined)
  @IsDefined({ message: 'KAFKA_SSL_KEY_FILE is required with KAFKA_SSL_CERT_FILE' })
  @IsString()
  @IsReadableFile()
  @RequiresSsl()
  KAFKA_SSL_KEY_FILE?: string;

  @ValidateIf((env: KafkaEnv) => saslAsked(env))
  @IsDefined({ message: 'KAFKA_SASL_MECHANISM is required with KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD' })
  @IsIn(KAFKA_SASL_MECHANISMS, { message: `KAFKA_SASL_MECHANISM must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` })
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @ValidateIf((env: KafkaEnv) => saslAsked(env))
  @IsDefined({ message: 'KAFKA_SASL_USERNAME is required with SASL' })
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((env: KafkaEnv) => saslAsked(env))
  @IsDefined({ message: 'KAFKA_SASL_PASSWORD is required with SASL' })
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** Replicas of every topic the apps create; unset takes the broker's default.replication.factor. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'KAFKA_REPLICATION_FACTOR must be a whole number' })
  @Min(1)
  @Max(32)
  KAFKA_REPLICATION_FACTOR?: number;

  /** min.insync.replicas of created topics; defaults to RF-1 when RF ≥ 3, so acks=all survives one broker down. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'KAFKA_MIN_INSYNC_REPLICAS must be a whole number' })
  @Min(1)
  @AtMostReplicationFactor()
  KAFKA_MIN_INSYNC_REPLICAS?: number;
}

function saslAsked(env: KafkaEnv): boolean {
  return env.KAFKA_SASL_MECHANISM !== undefined || env.KAFKA_SASL_USERNAME !== undefined || env.KAFKA_SASL_PASSWORD !== undefined;
}

/** The settings' mapping onto the Kafka transport: the one place env variables become kafkajs options. */
export function kafkaSecurityOptions(
  env: KafkaEnv,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Pick<KafkaTransportOptions, 'ssl' | 'sasl' | 'replicationFactor' | 'minInsyncReplicas'> {
  const options: Pick<KafkaTransportOptions, 'ssl' | 'sasl' | 'replicationFactor' | 'minInsyncReplicas'> = {};
  if (env.KAFKA_SSL === 'true') {
    const files = {
      ...(env.KAFKA_SSL_CA_FILE ? { ca: [readFile(env.KAFKA_SSL_CA_FILE)] } : {}),
      ...(env.KAFKA_SSL_CERT_FILE ? { cert: readFile(env.KAFKA_SSL_CERT_FILE) } : {}),
      ...(env.KAFKA_SSL_KEY_FILE ? { key: readFile(env.KAFKA_SSL_KEY_FILE) } : {}),
    };
    // Certificates are always verified: kafkajs' `true` means node:tls defaults (rejectUnauthorized).
    options.ssl = Object.keys(files).length > 0 ? { rejectUnauthorized: true, ...files } : true;
  }
  if (env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME !== undefined && env.KAFKA_SASL_PASSWORD !== undefined) {
    options.sasl = { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD };
  }
  if (env.KAFKA_REPLICATION_FACTOR !== undefined) options.replicationFactor = env.KAFKA_REPLICATION_FACTOR;
  const minInsync =
    env.KAFKA_MIN_INSYNC_REPLICAS ??
    (env.KAFKA_REPLICATION_FACTOR !== undefined && env.KAFKA_REPLICATION_FACTOR >= 3 ? env.KAFKA_REPLICATION_FACTOR - 1 : undefined);
  if (minInsync !== undefined) options.minInsyncReplicas = minInsync;
  return options;
}

function IsReadableFile(validationOptions?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isReadableFile',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => `${args.property} must name a readable file`, ...validationOptions },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            accessSync(value, constants.R_OK);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

/** A certificate file without KAFKA_SSL=true would be ignored and the apps would talk plaintext. */
function RequiresSsl(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'requiresSsl',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => `${args.property} needs KAFKA_SSL=true` },
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => (args.object as KafkaEnv).KAFKA_SSL === 'true',
      },
    });
}

function AtMostReplicationFactor(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'atMostReplicationFactor',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR (every acks=all write would fail)' },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const rf = (args.object as KafkaEnv).KAFKA_REPLICATION_FACTOR;
          return typeof value !== 'number' || rf === undefined || value <= rf;
        },
      },
    });
}
