export {
  type AddResult,
  type DesiredMember,
  type DesiredMembership,
  type LevelChange,
  type MemberFailure,
  type MemberInput,
  type MemberRef,
  type MembershipChange,
  type MembershipEntity,
  type MembershipOutcome,
  type MembershipResult,
  Memberships,
  type MembershipsOptions,
  type ReconcileReport,
  type RemovedMember,
  type RoomSnapshot,
} from './Memberships.js';
export {
  MEMBERSHIP_CHANGE_TYPES,
  membershipEventsSchema,
  reconcileFileSchema,
  reconcileRequestSchema,
} from './membershipSchemas.js';
export {
  SIGNATURE_HEADER,
  type SignedRequest,
  signWebhook,
  TIMESTAMP_HEADER,
  WebhookVerifier,
  type WebhookVerifierOptions,
  webhookSignature,
} from './WebhookVerifier.js';
