export {
  LoopbackDiscord,
  type LoopbackOptions,
  type ComponentInput,
  type SelectInput,
  type ModalInput,
  type MessageMenuInput,
  type UserMessageInput,
} from './loopback.ts';
export { InteractionRecord, CALLBACK, INTERACTION, type InteractionEvent, type UploadRecord, type EventPredicate } from './record.ts';
export type { MessageView, StoredAttachment } from './messages.ts';
export type { Fault, FaultHandle, RoutePattern } from './faults.ts';
export { shardOfGuild, type ApiObject, type Fixtures, type GuildFixture } from './fixtures.ts';
export { CONTEXT, INTEGRATION, type CommandInput, type AutocompleteInput, type InteractionContext, type UserCommandInput } from './interactions.ts';
export type { RequestLogEntry } from './rest.ts';
export type { DropOptions, GatewayStats, ShardTuple } from './gateway.ts';
export { loopbackClient, loginReady } from './client.ts';
