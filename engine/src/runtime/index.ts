export * from './clock';
export * from './db';
export * from './engine';
export * from './scheduler';
