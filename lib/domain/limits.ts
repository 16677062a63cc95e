/**
 * The limits of the casting agency's records, in one place: the validation
 * schemas, the services and the OpenAPI document all read them from here.
 * docs/endpoints.md#validation-and-limits explains each to clients.
 */

/** Characters (code points) of an actor's name and a movie's title. */
export const MAX_NAME_LENGTH = 200;
export const MAX_TITLE_LENGTH = 200;
export const MAX_GENDER_LENGTH = 50;

/** No date of the API is earlier: birth dates, release dates and their filters. */
export const EARLIEST_DATE = '1800-01-01';

/** Actors in one cast. */
export const MAX_CAST_SIZE = 50;

/** Movies one actor may be cast in: keeps deleting an actor within one change. */
export const MAX_FILMOGRAPHY = 50;

/**
 * Records (and their index entries) one change may touch: DynamoDB's ceiling
 * on the items of one transaction, which is what makes every change
 * all-or-nothing. The cast and filmography limits keep every single-record
 * change within it; only replacing a whole cast with another can exceed it.
 */
export const MAX_CHANGE_ITEMS = 100;

/** Records in one page of a list, and the page size when none is asked for. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Characters of a search (`q`). */
export const MAX_SEARCH_LENGTH = 100;

/**
 * Read units one list, search or filter request may spend on its page, as
 * DynamoDB counts them (an eventually consistent read of up to 4 KB is half
 * a unit). Past it the request answers a short page and a cursor that goes
 * on, so no query, however crafted, costs more than ~25 times a GET.
 */
export const READ_BUDGET_UNITS = 25;
