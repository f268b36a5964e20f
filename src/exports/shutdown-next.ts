/**
 * `usher-init/shutdown/next`: the Next.js standalone preload of `usher-shutdown`
 * (`node --import usher-init/shutdown/next server.js`).
 *
 * @packageDocumentation
 */
export * from 'usher-shutdown/next';
