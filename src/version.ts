/** Recorded in release manifests; a test keeps it equal to package.json's version. */
export const ACTION_VERSION = '0.1.0'
