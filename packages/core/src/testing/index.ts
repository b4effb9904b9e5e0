export * from './decisionCases';
export * from './expoCatalog';
