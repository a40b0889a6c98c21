export * from './ports.ts';
export * from './postgres.ts';
export * from './services.ts';
export * from './infrastructure.ts';
export * from './stack.ts';
export * from './testing.ts';
export * from './campaign-client.ts';
export * from './campaign-fixture.ts';
