export { hermesBundlePair, metroBundlePair } from './bundlePairs';
