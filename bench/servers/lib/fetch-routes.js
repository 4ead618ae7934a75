// The Fetch API variants' routing, shared by bare-fetch.js and the sessionkit variant so that only the
// session layer differs between them.

/**
 * The path of an absolute request URL, without building a URL object.
 * @param {string} url
 */
export const pathOf = (url) => {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const query = url.indexOf('?', start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
};

/** @param {string} body @param {number} [status] */
export const text = (body, status = 200) => new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
