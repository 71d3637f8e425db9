import { deepMerge } from '../../../src/config/env.ts';
import { FaultProxy } from '../../helpers/fault-proxy.ts';
import { startStack, type Stack, type StackOptions } from '../../helpers/stack.ts';

export interface ProxiedStack {
  stack: Stack;
  proxy: FaultProxy;
  close(): Promise<void>;
}

/** Timeout of one request to the authorization server: short, so that hanging faults end fast. */
export const REQUEST_TIMEOUT_MS = 1000;

/**
 * Starts the test stack with every request to the embedded server going through a FaultProxy:
 * the server's public URL is the proxy's, so the tracker's discovery, token, introspection and
 * SCIM calls and the test browser's sign-in pages all pass it.
 */
export async function startProxiedStack(
  overrides: unknown = {},
  options: StackOptions = {},
): Promise<ProxiedStack> {
  const proxy = await FaultProxy.start();
  let stack: Stack;
  try {
    const base = {
      idp: { publicUrl: proxy.url },
      authServer: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    };
    stack = await startStack(deepMerge(base, overrides), options);
  } catch (error) {
    await proxy.close();
    throw error;
  }
  proxy.upstream = stack.idp.url;
  return {
    stack,
    proxy,
    close: async () => {
      await stack.close();
      await proxy.close();
    },
  };
}
