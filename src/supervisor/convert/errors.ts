/** A file that cannot be converted: the message says where (FILE:LINE:COL when known), what, and what was expected. */
export class ConvertError extends Error {
  override name = 'ConvertError';
}
