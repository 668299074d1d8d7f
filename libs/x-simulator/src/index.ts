export * from './lib/x-simulator-server.domain';
export * from './lib/x-simulator.types';
export type { AdminAccountView, AdminDmView, AdminTweetView } from './lib/admin/admin-views.util';
export type { GeneratorSpec, GeneratorStatus } from './lib/generator/traffic-generator.domain';
export {
  composeTweet,
  DEFAULT_MIX,
  generateTweets,
  generateTweetTexts,
  type GeneratedTweet,
  type GenerateOptions,
  type TweetCategory,
  type TweetMix,
} from './lib/generator/tweet-text-generator.util';
export { generateCustomerProfiles, type CustomerProfile } from './lib/generator/customer-profiles.util';
export { createRandom, type Random } from './lib/generator/prng.util';
export {
  GENEROUS_RATE_LIMITS,
  REALISTIC_RATE_LIMITS,
  UNLIMITED_RATE_LIMITS,
  rateLimitPreset,
} from './lib/state/rate-limits.constants';
export type {
  EndpointRateLimit,
  RateLimitedEndpoint,
  RateLimitPreset,
  RateLimitTable,
  RateLimitWindowRule,
} from './lib/state/rate-limit.types';
export {
  DM_NOT_ALLOWED_DETAIL,
  DUPLICATE_CONTENT_DETAIL,
  REPLY_NOT_ALLOWED_DETAIL,
  REPLY_TO_MISSING_DETAIL,
  TOO_MANY_CONNECTIONS_DETAIL,
  TWEET_TOO_LONG_DETAIL,
  type DisconnectType,
} from './lib/http/problems.util';
export { type HttpFaultRule, type HttpFaultsSpec } from './lib/http/http-faults.util';
export { canSendDm, DM_MAX_LENGTH, oneToOneConversationId } from './lib/dms/dm-policy.util';
export type { DmEventWire } from './lib/dms/dm-render.util';
export { crcResponseToken, verifyWebhookSignature, webhookSignature } from './lib/webhooks/webhook-signature.util';
export {
  WebhookRefusal,
  type WebhookDeliveryCounts,
  type WebhookDeliveryRecord,
  type WebhookDeliveryStats,
  type WebhookFailureReason,
  type WebhookFaults,
  type WebhookFaultsSpec,
  type WebhookView,
} from './lib/webhooks/webhook-hub.domain';
export type {
  DirectMessagePayload,
  FollowPayload,
  SimApp,
  TweetCreatePayload,
  TweetDeletePayload,
  V1DirectMessageEvent,
  V1DmUser,
  V1Entities,
  V1Tweet,
  V1User,
} from './lib/webhooks/activity-render.util';
