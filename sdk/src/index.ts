// @tablehold/client: live availability and typed booking calls for tablehold, for browsers,
// Node 18+ and Deno. See sdk/README.md.
export { AvailabilityFeed, type FeedOptions, type FeedStatus } from './feed.ts';
export {
  type RealtimeChannelLike,
  type RealtimeClientLike,
  realtimeTransport,
  type RealtimeTransportOptions,
  sseTransport,
  type SseTransportOptions,
  StreamError,
  type Transport,
  type TransportHandlers,
} from './transports.ts';
export {
  type AvailabilityQuery,
  type CancelOptions,
  type ClientOptions,
  type ConfirmOptions,
  createTableholdClient,
  type IdempotencyOptions,
  type TableholdClient,
  TableholdError,
  unwrap,
} from './api.ts';
export { applyEvent, type BookOptions, canBookOn, type KeySelector, normalizeEvent, remainingOf, toMillis, type Window } from './state.ts';
export { type Backoff, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
export type * from './types.ts';
