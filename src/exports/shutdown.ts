/**
 * `usher-init/shutdown`: the `usher-shutdown` package, bundled with usher-init
 * (the library's own package installs no native code; see README).
 *
 * @packageDocumentation
 */
export * from 'usher-shutdown';
