export { makeZip, craftZip, type RawEntry } from './zips';
