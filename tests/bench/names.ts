/**
 * Realistic, unique actor names for seeding: first name, middle initial and
 * surname (as in "Samuel L. Jackson"), drawn without repetition from
 * 100 × 26 × 156 = 405,600 combinations by a fixed permutation, so every run
 * seeds the same people in the same order.
 *
 * FIXED_SURNAME is not among the surnames: exactly FIXED_COUNT actors carry
 * it, all within the first 1,000, so a search for its prefix matches the same
 * records whether the table holds 1,000 actors or 50,000.
 */
const FIRST = `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Donald Ashley Steven Kimberly
Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald
Rebecca Jason Laura Edward Helen Jeffrey Sharon Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela Eric Anna Jonathan
Brenda Larry Emma Justin Pamela Scott Nicole Frank Samantha Brandon Katherine Raymond Christine Gregory Debra Benjamin
Rachel Samuel Carolyn Patrick Janet Alexander Maria Jack Olivia Dennis Heather Jerry Diane Tyler Julie Aaron Joyce`
  .split(/\s+/)
  .filter(Boolean);

const SURNAMES = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker
Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood
James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins
Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar
Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen
Freeman Webb Tucker Guzman Burns Crawford`
  .split(/\s+/)
  .filter(Boolean);

const INITIALS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

export const FIXED_SURNAME = 'Oyelaran';
export const FIXED_COUNT = 40;
/** The fixed-count search: a prefix of FIXED_SURNAME that starts no other word. */
export const FIXED_QUERY = 'oyela';
/** A common prefix, whose matches grow with the table (Mark, Mary, Maria, Martin, Martinez, Marshall…). */
export const COMMON_QUERY = 'mar';

const COMBINATIONS = FIRST.length * INITIALS.length * SURNAMES.length;
/** A multiplier coprime with COMBINATIONS walks every combination once, in a scrambled order. */
const STRIDE = 104_729; // a prime that does not divide COMBINATIONS

export const actorName = (index: number): string => {
  if (index < 1000 && index % 25 === 0) {
    // 40 of the first 1,000 (indices 0, 25, …, 975).
    return `${FIRST[(index / 25) % FIRST.length]!} ${FIXED_SURNAME}`;
  }
  const combination = (index * STRIDE + 12_345) % COMBINATIONS;
  const first = FIRST[combination % FIRST.length]!;
  const initial = INITIALS[Math.floor(combination / FIRST.length) % INITIALS.length]!;
  const surname = SURNAMES[Math.floor(combination / (FIRST.length * INITIALS.length))]!;
  return `${first} ${initial}. ${surname}`;
};

export const NAME_LISTS = { first: FIRST.length, initials: INITIALS.length, surnames: SURNAMES.length, combinations: COMBINATIONS };

const GENDERS = ['female', 'male', 'non-binary'];

export const actorInput = (index: number) => {
  const year = 1940 + ((index * 7) % 66);
  const month = 1 + ((index * 5) % 12);
  const day = 1 + ((index * 11) % 28);
  return {
    name: actorName(index),
    gender: GENDERS[index % GENDERS.length]!,
    birth_date: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  };
};
