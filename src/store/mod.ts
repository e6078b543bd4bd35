/**
 * The run store: history of runs, tasks and attempts, log files, crash recovery,
 * resume checks, retention and metrics.
 * @module
 */
export type * from "./run_store.ts";
export { KvRunStore } from "./kv.ts";
export { MemoryRunStore } from "./memory.ts";
export { kvPath, logsPath, openStore, type OpenStoreOptions } from "./open.ts";
export { createRecorder, type Recorder, type RecorderOptions } from "./recorder.ts";
export { isProcessAlive, processStartTicks, recoverInterrupted } from "./recovery.ts";
export { checkResumable, type LoadedWorkflow, taskHashes } from "./resume.ts";
export { applyRetention, pruneRuns, type RetentionPolicy } from "./retention.ts";
export { computeMetrics, type MetricsReport } from "./metrics.ts";
export { logFilePath, type LogLine } from "./log_files.ts";
export { type LogCursor, type LogPiece, readLog } from "./log_reader.ts";
