export * from './expoSigningKey';
