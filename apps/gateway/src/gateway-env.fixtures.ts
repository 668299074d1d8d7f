/** The least environment GatewayConfig needs but GATEWAY_TOKEN_SECRET, which each spec chooses. */
export const GATEWAY_ENV_WITHOUT_SECRET = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  X_BRAND_TOKENS: 'acme_support=acme-support-user-token',
  GATEWAY_AGENTS: '[{"id":"alice","password":"alice"}]',
};
