import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  BANK_HOLIDAYS_COVER,
  BankHolidayRangeError,
  bankHolidayName,
  bankHolidays,
  easterSunday,
  isBankHoliday,
} from './bank-holidays.ts'

// Published Easter Sundays, written out independently of the algorithm.
const EASTER_SUNDAYS: ReadonlyArray<readonly [number, string]> = [
  [2000, '2000-04-23'],
  [2001, '2001-04-15'],
  [2002, '2002-03-31'],
  [2003, '2003-04-20'],
  [2004, '2004-04-11'],
  [2005, '2005-03-27'],
  [2006, '2006-04-16'],
  [2007, '2007-04-08'],
  [2008, '2008-03-23'],
  [2009, '2009-04-12'],
  [2010, '2010-04-04'],
  [2011, '2011-04-24'],
  [2012, '2012-04-08'],
  [2013, '2013-03-31'],
  [2014, '2014-04-20'],
  [2015, '2015-04-05'],
  [2016, '2016-03-27'],
  [2017, '2017-04-16'],
  [2018, '2018-04-01'],
  [2019, '2019-04-21'],
  [2020, '2020-04-12'],
  [2021, '2021-04-04'],
  [2022, '2022-04-17'],
  [2023, '2023-04-09'],
  [2024, '2024-03-31'],
  [2025, '2025-04-20'],
  [2026, '2026-04-05'],
  [2027, '2027-03-28'],
  [2028, '2028-04-16'],
  [2029, '2029-04-01'],
  [2030, '2030-04-21'],
  [2031, '2031-04-13'],
  [2032, '2032-03-28'],
  [2033, '2033-04-17'],
  [2034, '2034-04-09'],
  [2035, '2035-03-25'],
  // The earliest and latest possible dates, far outside the table.
  [1818, '1818-03-22'],
  [2285, '2285-03-22'],
  [1943, '1943-04-25'],
  [2038, '2038-04-25'],
]

// Whole years as gov.uk publishes them for England and Wales.
const FULL_YEARS: Readonly<Record<number, ReadonlyArray<readonly [string, string]>>> = {
  2000: [
    ['2000-01-03', 'New Year’s Day (substitute day)'],
    ['2000-04-21', 'Good Friday'],
    ['2000-04-24', 'Easter Monday'],
    ['2000-05-01', 'Early May bank holiday'],
    ['2000-05-29', 'Spring bank holiday'],
    ['2000-08-28', 'Summer bank holiday'],
    ['2000-12-25', 'Christmas Day'],
    ['2000-12-26', 'Boxing Day'],
  ],
  2002: [
    ['2002-01-01', 'New Year’s Day'],
    ['2002-03-29', 'Good Friday'],
    ['2002-04-01', 'Easter Monday'],
    ['2002-05-06', 'Early May bank holiday'],
    ['2002-06-03', 'Queen’s Golden Jubilee'],
    ['2002-06-04', 'Spring bank holiday'],
    ['2002-08-26', 'Summer bank holiday'],
    ['2002-12-25', 'Christmas Day'],
    ['2002-12-26', 'Boxing Day'],
  ],
  2011: [
    ['2011-01-03', 'New Year’s Day (substitute day)'],
    ['2011-04-22', 'Good Friday'],
    ['2011-04-25', 'Easter Monday'],
    ['2011-04-29', 'Royal wedding'],
    ['2011-05-02', 'Early May bank holiday'],
    ['2011-05-30', 'Spring bank holiday'],
    ['2011-08-29', 'Summer bank holiday'],
    ['2011-12-26', 'Boxing Day'],
    ['2011-12-27', 'Christmas Day (substitute day)'],
  ],
  2012: [
    ['2012-01-02', 'New Year’s Day (substitute day)'],
    ['2012-04-06', 'Good Friday'],
    ['2012-04-09', 'Easter Monday'],
    ['2012-05-07', 'Early May bank holiday'],
    ['2012-06-04', 'Spring bank holiday'],
    ['2012-06-05', 'Queen’s Diamond Jubilee'],
    ['2012-08-27', 'Summer bank holiday'],
    ['2012-12-25', 'Christmas Day'],
    ['2012-12-26', 'Boxing Day'],
  ],
  2016: [
    ['2016-01-01', 'New Year’s Day'],
    ['2016-03-25', 'Good Friday'],
    ['2016-03-28', 'Easter Monday'],
    ['2016-05-02', 'Early May bank holiday'],
    ['2016-05-30', 'Spring bank holiday'],
    ['2016-08-29', 'Summer bank holiday'],
    ['2016-12-26', 'Boxing Day'],
    ['2016-12-27', 'Christmas Day (substitute day)'],
  ],
  2020: [
    ['2020-01-01', 'New Year’s Day'],
    ['2020-04-10', 'Good Friday'],
    ['2020-04-13', 'Easter Monday'],
    ['2020-05-08', 'Early May bank holiday (VE day)'],
    ['2020-05-25', 'Spring bank holiday'],
    ['2020-08-31', 'Summer bank holiday'],
    ['2020-12-25', 'Christmas Day'],
    ['2020-12-28', 'Boxing Day (substitute day)'],
  ],
  2021: [
    ['2021-01-01', 'New Year’s Day'],
    ['2021-04-02', 'Good Friday'],
    ['2021-04-05', 'Easter Monday'],
    ['2021-05-03', 'Early May bank holiday'],
    ['2021-05-31', 'Spring bank holiday'],
    ['2021-08-30', 'Summer bank holiday'],
    ['2021-12-27', 'Christmas Day (substitute day)'],
    ['2021-12-28', 'Boxing Day (substitute day)'],
  ],
  2022: [
    ['2022-01-03', 'New Year’s Day (substitute day)'],
    ['2022-04-15', 'Good Friday'],
    ['2022-04-18', 'Easter Monday'],
    ['2022-05-02', 'Early May bank holiday'],
    ['2022-06-02', 'Spring bank holiday'],
    ['2022-06-03', 'Platinum Jubilee bank holiday'],
    ['2022-08-29', 'Summer bank holiday'],
    ['2022-09-19', 'Bank holiday for the State Funeral of Queen Elizabeth II'],
    ['2022-12-26', 'Boxing Day'],
    ['2022-12-27', 'Christmas Day (substitute day)'],
  ],
  2023: [
    ['2023-01-02', 'New Year’s Day (substitute day)'],
    ['2023-04-07', 'Good Friday'],
    ['2023-04-10', 'Easter Monday'],
    ['2023-05-01', 'Early May bank holiday'],
    ['2023-05-08', 'Bank holiday for the coronation of King Charles III'],
    ['2023-05-29', 'Spring bank holiday'],
    ['2023-08-28', 'Summer bank holiday'],
    ['2023-12-25', 'Christmas Day'],
    ['2023-12-26', 'Boxing Day'],
  ],
  2024: [
    ['2024-01-01', 'New Year’s Day'],
    ['2024-03-29', 'Good Friday'],
    ['2024-04-01', 'Easter Monday'],
    ['2024-05-06', 'Early May bank holiday'],
    ['2024-05-27', 'Spring bank holiday'],
    ['2024-08-26', 'Summer bank holiday'],
    ['2024-12-25', 'Christmas Day'],
    ['2024-12-26', 'Boxing Day'],
  ],
  2025: [
    ['2025-01-01', 'New Year’s Day'],
    ['2025-04-18', 'Good Friday'],
    ['2025-04-21', 'Easter Monday'],
    ['2025-05-05', 'Early May bank holiday'],
    ['2025-05-26', 'Spring bank holiday'],
    ['2025-08-25', 'Summer bank holiday'],
    ['2025-12-25', 'Christmas Day'],
    ['2025-12-26', 'Boxing Day'],
  ],
  2026: [
    ['2026-01-01', 'New Year’s Day'],
    ['2026-04-03', 'Good Friday'],
    ['2026-04-06', 'Easter Monday'],
    ['2026-05-04', 'Early May bank holiday'],
    ['2026-05-25', 'Spring bank holiday'],
    ['2026-08-31', 'Summer bank holiday'],
    ['2026-12-25', 'Christmas Day'],
    ['2026-12-28', 'Boxing Day (substitute day)'],
  ],
  2027: [
    ['2027-01-01', 'New Year’s Day'],
    ['2027-03-26', 'Good Friday'],
    ['2027-03-29', 'Easter Monday'],
    ['2027-05-03', 'Early May bank holiday'],
    ['2027-05-31', 'Spring bank holiday'],
    ['2027-08-30', 'Summer bank holiday'],
    ['2027-12-27', 'Christmas Day (substitute day)'],
    ['2027-12-28', 'Boxing Day (substitute day)'],
  ],
}

// Weekend holidays and the weekdays that stand in for them.
const SUBSTITUTES: ReadonlyArray<readonly [weekend: string, substitute: string, name: string]> = [
  ['2004-12-25', '2004-12-27', 'Christmas Day (substitute day)'],
  ['2004-12-26', '2004-12-28', 'Boxing Day (substitute day)'],
  ['2005-01-01', '2005-01-03', 'New Year’s Day (substitute day)'],
  ['2005-12-25', '2005-12-27', 'Christmas Day (substitute day)'],
  ['2006-01-01', '2006-01-02', 'New Year’s Day (substitute day)'],
  ['2009-12-26', '2009-12-28', 'Boxing Day (substitute day)'],
  ['2010-12-25', '2010-12-27', 'Christmas Day (substitute day)'],
  ['2010-12-26', '2010-12-28', 'Boxing Day (substitute day)'],
  ['2011-01-01', '2011-01-03', 'New Year’s Day (substitute day)'],
  ['2015-12-26', '2015-12-28', 'Boxing Day (substitute day)'],
  ['2016-12-25', '2016-12-27', 'Christmas Day (substitute day)'],
  ['2017-01-01', '2017-01-02', 'New Year’s Day (substitute day)'],
  ['2021-12-25', '2021-12-27', 'Christmas Day (substitute day)'],
  ['2021-12-26', '2021-12-28', 'Boxing Day (substitute day)'],
  ['2022-01-01', '2022-01-03', 'New Year’s Day (substitute day)'],
  ['2027-12-25', '2027-12-27', 'Christmas Day (substitute day)'],
  ['2027-12-26', '2027-12-28', 'Boxing Day (substitute day)'],
  ['2028-01-01', '2028-01-03', 'New Year’s Day (substitute day)'],
  ['2032-12-25', '2032-12-27', 'Christmas Day (substitute day)'],
  ['2032-12-26', '2032-12-28', 'Boxing Day (substitute day)'],
  ['2033-01-01', '2033-01-03', 'New Year’s Day (substitute day)'],
  ['2033-12-25', '2033-12-27', 'Christmas Day (substitute day)'],
  ['2034-01-01', '2034-01-02', 'New Year’s Day (substitute day)'],
]

const EXTRA_DAYS: Readonly<Record<number, number>> = { 2002: 1, 2011: 1, 2012: 1, 2022: 2, 2023: 1 }

function years(): number[] {
  const list: number[] = []
  for (let year = BANK_HOLIDAYS_COVER.from; year <= BANK_HOLIDAYS_COVER.to; year++) list.push(year)
  return list
}

function utcDay(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay()
}

describe('easterSunday', () => {
  for (const [year, expected] of EASTER_SUNDAYS) {
    it(`puts Easter ${year} on ${expected}`, () => {
      assert.equal(easterSunday(year), expected)
    })
  }
})

describe('bankHolidays', () => {
  it('covers 2000 to 2035', () => {
    assert.deepEqual(BANK_HOLIDAYS_COVER, { from: 2000, to: 2035 })
  })

  for (const [year, expected] of Object.entries(FULL_YEARS)) {
    it(`lists every bank holiday of ${year}`, () => {
      assert.deepEqual(
        bankHolidays(Number(year)),
        expected.map(([date, name]) => ({ date, name })),
      )
    })
  }

  it('gives each year eight holidays plus its one-off extras', () => {
    for (const year of years()) {
      assert.equal(bankHolidays(year).length, 8 + (EXTRA_DAYS[year] ?? 0), String(year))
    }
  })

  it('keeps every holiday on a weekday, in its own year, in date order', () => {
    for (const year of years()) {
      const dates = bankHolidays(year).map((holiday) => holiday.date)
      assert.deepEqual(dates, [...new Set(dates)].sort(), String(year))
      for (const date of dates) {
        assert.ok(date.startsWith(`${year}-`), date)
        assert.ok(utcDay(date) >= 1 && utcDay(date) <= 5, `${date} falls at a weekend`)
      }
    }
  })

  it('puts Good Friday and Easter Monday either side of Easter Sunday', () => {
    for (const year of years()) {
      const easter = Date.parse(easterSunday(year))
      const day = 86_400_000
      assert.equal(
        bankHolidayName(new Date(easter - 2 * day).toISOString().slice(0, 10)),
        'Good Friday',
      )
      assert.equal(
        bankHolidayName(new Date(easter + day).toISOString().slice(0, 10)),
        'Easter Monday',
      )
    }
  })

  it('keeps the early May holiday on the first Monday except VE day 2020', () => {
    for (const year of years()) {
      const early = bankHolidays(year).find((h) => h.name.startsWith('Early May'))
      if (year === 2020) {
        assert.equal(early?.date, '2020-05-08')
      } else {
        assert.ok(early !== undefined && utcDay(early.date) === 1, String(year))
        assert.ok(Number(early.date.slice(8)) <= 7, early.date)
      }
    }
  })

  it('moves the spring holiday only in the jubilee years', () => {
    const moved: Record<number, string> = {
      2002: '2002-06-04',
      2012: '2012-06-04',
      2022: '2022-06-02',
    }
    for (const year of years()) {
      const spring = bankHolidays(year).find((h) => h.name === 'Spring bank holiday')
      const expected = moved[year]
      if (expected !== undefined) {
        assert.equal(spring?.date, expected)
      } else {
        assert.ok(spring !== undefined && utcDay(spring.date) === 1, String(year))
        assert.ok(Number(spring.date.slice(8)) >= 25 && spring.date.slice(5, 7) === '05')
      }
    }
  })

  it('refuses years outside the table', () => {
    for (const year of [1999, 2036, 2024.5]) {
      assert.throws(() => bankHolidays(year), BankHolidayRangeError)
    }
    assert.throws(() => bankHolidays(2036), {
      name: 'BankHolidayRangeError',
      message: 'The bank holiday table covers 2000 to 2035; it does not cover 2036',
    })
  })
})

describe('isBankHoliday', () => {
  for (const [weekend, substitute, name] of SUBSTITUTES) {
    it(`moves ${weekend} to ${substitute}`, () => {
      assert.equal(isBankHoliday(weekend), false)
      assert.equal(isBankHoliday(substitute), true)
      assert.equal(bankHolidayName(substitute), name)
    })
  }

  it('knows the one-off holidays', () => {
    for (const date of [
      '2002-06-03',
      '2011-04-29',
      '2012-06-05',
      '2022-06-03',
      '2022-09-19',
      '2023-05-08',
    ]) {
      assert.equal(isBankHoliday(date), true, date)
    }
  })

  it('does not count the usual early May Monday of 2020', () => {
    assert.equal(isBankHoliday('2020-05-04'), false)
    assert.equal(isBankHoliday('2020-05-08'), true)
  })

  it('does not count the usual late May Mondays of the jubilee years', () => {
    assert.equal(isBankHoliday('2002-05-27'), false)
    assert.equal(isBankHoliday('2012-05-28'), false)
    assert.equal(isBankHoliday('2022-05-30'), false)
  })

  it('agrees with the yearly lists on every date of the table', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 11, 31) }), (ms) => {
        const date = new Date(ms).toISOString().slice(0, 10)
        const listed = bankHolidays(Number(date.slice(0, 4))).some((h) => h.date === date)
        assert.equal(isBankHoliday(date), listed)
      }),
    )
  })

  it('refuses dates outside the table, including the millennium holiday', () => {
    assert.throws(() => isBankHoliday('1999-12-31'), BankHolidayRangeError)
    assert.throws(() => isBankHoliday('2036-01-01'), BankHolidayRangeError)
  })

  it('refuses text that is not a date', () => {
    assert.throws(() => isBankHoliday('25/12/2024'), {
      name: 'RangeError',
      message: '"25/12/2024" is not a date: write dates as YYYY-MM-DD',
    })
  })
})
