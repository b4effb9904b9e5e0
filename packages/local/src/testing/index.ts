export { callManagement } from './callManagement';
export { startTestStack } from './startTestStack';
export {
  startTestOssServer,
  TEST_BUCKET,
  TEST_CREDENTIALS,
  TEST_PUBLIC_BUCKET,
  type TestOssServer,
} from './startTestOssServer';
