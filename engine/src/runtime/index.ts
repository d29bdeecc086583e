export * from './clock';
export * from './db';
export * from './engine';
export * from './scheduler';
export * from './channels';
export { dispatchOnce, backoffDelay, defaultDispatchOptions, type DispatchOptions, type DispatchResult } from './dispatcher';
export {
  matchingEnrollmentSql,
  drainSql,
  enrollFlow,
  estimateEnrollment,
  type EnrollResult,
  type EnrollmentEstimate,
} from './store/enrollment';
export { listActiveFlows, type ActiveFlowRow } from './store/flows';
export { exitLiveJourneys, moveWaitingJourneys } from './store/journeys';
export { cancelQueuedMessages } from './store/messages';
export { EventIngestor, ingestEventRows, retryOnDeadlock, type EventRow, type IngestDefaults } from './store/events';
export { ruleToSql, RuleSqlError, SqlParams } from './rule-sql';
export { GraphCache, runBatch, type BatchResult } from './batch';
export { DEFAULT_LINK_TTL_DAYS, loadEngineSettings, subscriptionLinkKey, type SubscriptionLinkOptions } from './settings';
export * from './store/messages';
export { writeHeartbeat, type Heartbeat } from './store/processes';
export { messageCounts, convertedAtSql, convertedAfterMessageSql } from './store/message-counts';
export { mergeContacts, type MergeOutcome } from './store/contact-merge';
export { nextPermitAt, rateLimitUsage, returnPermits, takePermits, type Permits } from './store/rate-limits';
export {
  eventMonths,
  messageMonths,
  journeyLogMonths,
  maintainMonthlyPartitions,
  retentionSettings,
  type MonthlyTable,
  type PartitionReport,
} from './store/time-partitions';
