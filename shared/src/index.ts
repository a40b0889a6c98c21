export * from './sheets/format.ts';
export * from './domain/boundary.ts';
export * from './domain/project-type.ts';
