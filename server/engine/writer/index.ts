/**
 * The engine's write path to a destination: pipelined connections (connection.ts), and one writer
 * for standalone and cluster destinations (openWriter) used by the RDB loader and the incremental
 * apply. See types.ts for the contract (tags, watermark, replay-safe flags, handlers).
 */
export { openWriter } from "./open-writer";
export { PipelineConnection, CommandError, FLAG_ASKING, type ConnectionOptions, type ConnectionSink, type UnansweredCommand } from "./connection";
export { WRITE_REPLAY_SAFE, WRITE_UNCERTAIN } from "./types";
export type { CommandFailure, DestinationWriter, UncertainCommand, UncertainDecision, WriterEvent, WriterHandlers, WriterOptions, WriterStats } from "./types";
