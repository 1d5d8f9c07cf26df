/**
 * Permissions, types and annotation names shared by the kubernetes-jobs plugins.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './types';
export * from './runs';
export * from './signals';
export * from './parameters';
export * from './runRequests';
export * from './definitionFilters';
export * from './signalRules';
