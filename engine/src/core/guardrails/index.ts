export * from './quiet-hours';
export * from './frequency-cap';
export * from './choose-channel';
export * from './send-hold';
