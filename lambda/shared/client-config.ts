/**
 * Settings for every SDK client in the handlers. The SDK's standard retry mode already backs off on
 * throttling, 5xx and dropped connections; more attempts than its default 3 ride out a throttled account.
 * The endpoint is not set here: AWS_ENDPOINT_URL_<SERVICE> (read by the SDK) points tests at emulators.
 */
export const CLIENT_CONFIG = {
  maxAttempts: 8,
  customUserAgent: 'cdk-aliases',
};
