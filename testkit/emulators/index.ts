export * from './emulated-endpoint';
export * from './workspaces-emulator';
export * from './connect-emulator';
export * from './caller';
