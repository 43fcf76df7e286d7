/**
 * @newsledger/webhooks — what registering a webhook and delivering to it share: which targets are
 * allowed (no loopback or private ranges unless configured), the signature, one signed POST, and
 * the retry timing. The query API checks targets when a subscription is made; the projector delivers.
 */
export { checkWebhookTarget, isPrivateAddress, publicOnlyLookup } from './webhook-target';
export type { Resolver, TargetCheck } from './webhook-target';
export { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './webhook.signature';
export { postWebhook } from './webhook.sender';
export type { AttemptResult } from './webhook.sender';
export { afterFailure, retryDelay } from './retry.backoff';
export type { RetryPolicy } from './retry.backoff';
