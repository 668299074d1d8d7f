import pino, { type Logger } from 'pino';

/**
 * The benchmark's own Kafka clients log on stderr: stdout carries only the progress lines and the final JSON line,
 * and kafkajs reports transient errors (topic creation, leader moves) that a reader of the figures need not see.
 */
export function stderrLogger(name: string): Logger {
  return pino({ level: 'error', base: { service: name } }, pino.destination(2));
}
