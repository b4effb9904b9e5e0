export * from './decisionCases';
