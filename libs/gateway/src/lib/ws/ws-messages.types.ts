// The WebSocket protocol, server to desktop, is declared once in @perch/desktop-api (types only), which the desktop SPA
// reads too: the gateway builds its pushes as these types, so a change that breaks the desktop fails to compile.
export type {
  AckMessage,
  ActionOutcomeMessage,
  ChannelEntryAddedMessage,
  ClassificationCorrectedMessage,
  CompletedMessage,
  ConferenceUpdateMessage,
  ConsultationAddedMessage,
  ErrorMessage,
  HelloMessage,
  InteractionAcceptedMessage,
  MessageAddedMessage,
  OfferEndedMessage,
  OfferMessage,
  PongMessage,
  PresenceMessage,
  ServerMessage,
  SupervisorSnapshotMessage,
  TransferredMessage,
  TransferUpdateMessage,
} from '@perch/desktop-api';
