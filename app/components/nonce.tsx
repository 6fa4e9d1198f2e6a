import { createContext, useContext } from "react";

/** Carries the request's CSP nonce from entry.server to <Scripts>; empty in the browser. */
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
