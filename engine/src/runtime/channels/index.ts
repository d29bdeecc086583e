export * from './adapter';
export * from './sandbox';
