export * from './adapter';
export * from './sandbox';
export * from './http';
export * from './email';
export * from './push';
export * from './sms';
export * from './webhook';
export * from './build';
