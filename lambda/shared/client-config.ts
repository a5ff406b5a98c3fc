import { SDK_MAX_ATTEMPTS } from './time-budget';

/**
 * Settings for every SDK client in the handlers. The endpoint is not set here: AWS_ENDPOINT_URL_<SERVICE>
 * (read by the SDK) points tests at emulators.
 */
export const CLIENT_CONFIG = {
  maxAttempts: SDK_MAX_ATTEMPTS,
  customUserAgent: 'cdk-aliases',
};
