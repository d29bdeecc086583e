export * from './core/schema';
export * from './core/types';
