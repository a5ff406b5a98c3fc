export * from './assembly';
export * from './cloudformation';
export * from './lambda-process';

/** The handler functions' environment for emulated endpoints: the SDK reads AWS_ENDPOINT_URL_<SERVICE>. */
export function emulatorEnvironment(endpoints: { workspaces?: string; connect?: string }): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLIFECYCLETEST',
    AWS_SECRET_ACCESS_KEY: 'lifecycle-test-secret',
    ...(endpoints.workspaces ? { AWS_ENDPOINT_URL_WORKSPACES: endpoints.workspaces } : {}),
    ...(endpoints.connect ? { AWS_ENDPOINT_URL_CONNECT: endpoints.connect } : {}),
  };
}
