import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { type EventBus, KafkaTransport, startEventBus, type Transport, withNamespace } from '@perch/messaging';
import { createLogger } from '@perch/platform';
import Redis from 'ioredis';

/** What every distributed Perch app reads; apps extend it with their own variables. */
export class DistributedEnv {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS!: string;

  /** Prefix for topic and consumer-group names, so environments can share a broker ("staging", "e2e-42"). */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9._-]{1,60}$/, { message: 'PERCH_NAMESPACE may hold letters, digits, dot, dash, underscore' })
  PERCH_NAMESPACE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3000;

  @IsString()
  @IsOptional()
  HTTP_HOST?: string;
}

export class RedisEnv extends DistributedEnv {
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL!: string;
}

export interface KafkaBus {
  bus: EventBus;
  transport: Transport;
}

export async function connectKafkaBus(env: DistributedEnv, service: string): Promise<KafkaBus> {
  const logger = createLogger(service);
  const kafka = new KafkaTransport({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: `perch-${service}`,
    logger,
    // Every partition of a fetch is handled at once: a round is as slow as its slowest batch, not the sum.
    partitionsConsumedConcurrently: 12,
  });
  const transport = withNamespace(kafka, env.PERCH_NAMESPACE);
  const bus = await startEventBus(transport, { producer: service, logger });
  return { bus, transport };
}

export async function connectRedis(env: RedisEnv): Promise<Redis> {
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  await redis.connect();
  return redis;
}

/** Redis key prefixes follow the namespace too, so two environments on one Redis never mix state. */
export function redisNamespace(env: DistributedEnv, fallback: string): string {
  return env.PERCH_NAMESPACE ? `${env.PERCH_NAMESPACE}-${fallback}` : fallback;
}
