// Where the Edge Functions live, from either form of base URL people have at hand.

/** The functions base (`…/functions/v1`) from a Supabase project URL (`https://<ref>.supabase.co`,
 *  `http://127.0.0.1:54321`) or from the functions base itself. */
export function functionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return /\/functions\/v1$/.test(trimmed) ? trimmed : `${trimmed}/functions/v1`;
}

/** A query string of the defined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  return search.toString();
}
