export { describeObjectStoreContract } from './objectStoreContract';
