import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { BankHolidayRangeError } from './bank-holidays.ts'
import {
  periodInShortWords,
  periodInWords,
  FREQUENCIES,
  type Frequency,
  type Period,
  PeriodError,
  addDays,
  addWorkingDays,
  comparePeriods,
  dueDate,
  financialYearLabelOf,
  financialYearOf,
  formatFinancialYear,
  isIsoDate,
  isSamePeriod,
  isWorkingDay,
  nextPeriod,
  parentPeriod,
  parseFinancialYear,
  parsePeriodInput,
  parsePeriodLabel,
  parsePeriodStart,
  periodAt,
  periodContaining,
  periodContains,
  periodsBetween,
  periodsInFinancialYear,
  periodsPerYear,
  periodsWithin,
  previousPeriod,
  samePeriodLastYear,
  shiftPeriod,
  yearToDate,
} from './periods.ts'

const label = (text: string): Period => parsePeriodLabel(text)
const labels = (periods: readonly Period[]): string[] => periods.map((p) => p.label)

const periodArb = fc
  .tuple(
    fc.constantFrom(...FREQUENCIES),
    fc.integer({ min: 1990, max: 2060 }),
    fc.integer({ min: 0, max: 11 }),
  )
  .map(([frequency, year, i]) => periodAt(frequency, year, (i % periodsPerYear(frequency)) + 1))

const dateArb = (from: number, to: number) =>
  fc
    .integer({ min: Date.UTC(from, 0, 1) / 86_400_000, max: Date.UTC(to, 11, 31) / 86_400_000 })
    .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10))

describe('financial years', () => {
  const table: ReadonlyArray<readonly [number, string]> = [
    [2024, '2024/25'],
    [1999, '1999/00'],
    [2000, '2000/01'],
    [2009, '2009/10'],
    [2099, '2099/00'],
  ]
  for (const [year, text] of table) {
    it(`writes ${year} as ${text} and reads it back`, () => {
      assert.equal(formatFinancialYear(year), text)
      assert.equal(parseFinancialYear(text), year)
    })
  }

  it('rejects a year whose two halves do not follow on', () => {
    assert.throws(() => parseFinancialYear('2024/26'), {
      name: 'PeriodError',
      message:
        '"2024/26" is not a financial year: the financial year from April 2024 is written 2024/25',
    })
    assert.throws(() => parseFinancialYear('2024-25'), {
      message: '"2024-25" is not a financial year: write financial years like 2024/25',
    })
  })

  it('rejects a year that is not a whole number', () => {
    assert.throws(() => formatFinancialYear(2024.5), PeriodError)
  })

  const dates: ReadonlyArray<readonly [string, number, string]> = [
    ['2024-04-01', 2024, '2024/25'],
    ['2025-03-31', 2024, '2024/25'],
    ['2025-04-01', 2025, '2025/26'],
    ['2000-01-01', 1999, '1999/00'],
  ]
  for (const [date, year, text] of dates) {
    it(`puts ${date} in ${text}`, () => {
      assert.equal(financialYearOf(date), year)
      assert.equal(financialYearLabelOf(date), text)
    })
  }
})

describe('parsePeriodLabel', () => {
  const table: ReadonlyArray<readonly [string, Frequency, string, string, number, number]> = [
    ['Sep 2024', 'monthly', '2024-09-01', '2024-09-30', 2024, 6],
    ['Apr 2024', 'monthly', '2024-04-01', '2024-04-30', 2024, 1],
    ['Feb 2024', 'monthly', '2024-02-01', '2024-02-29', 2023, 11],
    ['Mar 2025', 'monthly', '2025-03-01', '2025-03-31', 2024, 12],
    ['2024/25 B1', 'bimonthly', '2024-04-01', '2024-05-31', 2024, 1],
    ['2024/25 B5', 'bimonthly', '2024-12-01', '2025-01-31', 2024, 5],
    ['2023/24 B6', 'bimonthly', '2024-02-01', '2024-03-31', 2023, 6],
    ['2024/25 Q1', 'quarterly', '2024-04-01', '2024-06-30', 2024, 1],
    ['2024/25 Q2', 'quarterly', '2024-07-01', '2024-09-30', 2024, 2],
    ['2024/25 Q3', 'quarterly', '2024-10-01', '2024-12-31', 2024, 3],
    ['2024/25 Q4', 'quarterly', '2025-01-01', '2025-03-31', 2024, 4],
    ['2099/00 Q4', 'quarterly', '2100-01-01', '2100-03-31', 2099, 4],
    ['2024/25 H1', 'half_yearly', '2024-04-01', '2024-09-30', 2024, 1],
    ['2024/25 H2', 'half_yearly', '2024-10-01', '2025-03-31', 2024, 2],
    ['2024/25', 'annual', '2024-04-01', '2025-03-31', 2024, 1],
    ['1999/00', 'annual', '1999-04-01', '2000-03-31', 1999, 1],
  ]
  for (const [text, frequency, start, end, financialYear, index] of table) {
    it(`reads ${text}`, () => {
      assert.deepEqual(parsePeriodLabel(text), {
        frequency,
        start,
        end,
        label: text,
        financialYear,
        index,
      })
    })
  }

  it('accepts any letter case, spare spaces and full month names', () => {
    assert.equal(label(' 2024/25 q2 ').label, '2024/25 Q2')
    assert.equal(label('september 2024').label, 'Sep 2024')
    assert.equal(label('Sept 2024').label, 'Sep 2024')
    assert.equal(label('SEP   2024').label, 'Sep 2024')
  })

  const forms =
    'write a month as "Sep 2024", a two-month period as "2024/25 B1", a quarter as "2024/25 Q2", ' +
    'a half-year as "2024/25 H1" or a financial year as "2024/25"'
  const invalid: ReadonlyArray<readonly [string, string]> = [
    ['2024/26', 'the financial year from April 2024 is written 2024/25'],
    ['2024/26 Q1', 'the financial year from April 2024 is written 2024/25'],
    ['2024/25 Q0', 'quarters run Q1 to Q4'],
    ['2024/25 Q5', 'quarters run Q1 to Q4'],
    ['2024/25 H3', 'half-years run H1 to H2'],
    ['2024/25 B7', 'two-month periods run B1 to B6'],
    ['Feb 2024x', forms],
    ['Foo 2024', '"Foo" is not a month'],
    ['2024/2025', forms],
    ['Q2 2024/25', forms],
    ['2024/25 X1', forms],
    ['Apr–May 2024', forms],
    ['', forms],
  ]
  for (const [text, reason] of invalid) {
    it(`rejects "${text}" saying why`, () => {
      assert.throws(() => parsePeriodLabel(text), {
        name: 'PeriodError',
        message: `"${text}" is not a period: ${reason}`,
      })
    })
  }

  it('throws errors that are instances of PeriodError', () => {
    assert.throws(() => parsePeriodLabel('2024/25 Q5'), PeriodError)
  })
})

describe('parsePeriodStart', () => {
  it('reads a frequency and the first day of one of its periods', () => {
    assert.deepEqual(
      parsePeriodStart({ frequency: 'quarterly', start: '2024-07-01' }),
      label('2024/25 Q2'),
    )
    assert.deepEqual(
      parsePeriodStart({ frequency: 'bimonthly', start: '2024-12-01' }),
      label('2024/25 B5'),
    )
    assert.deepEqual(
      parsePeriodStart({ frequency: 'monthly', start: '2025-01-01' }),
      label('Jan 2025'),
    )
  })

  const invalid: ReadonlyArray<readonly [string, string, string]> = [
    [
      'quarterly',
      '2024-05-01',
      '"2024-05-01" is not the start of a quarter: quarters start on 1 April, 1 July, 1 October and 1 January (2024-05-01 is in 2024/25 Q1, which starts on 2024-04-01)',
    ],
    [
      'bimonthly',
      '2024-05-01',
      '"2024-05-01" is not the start of a two-month period: two-month periods start on 1 April, 1 June, 1 August, 1 October, 1 December and 1 February (2024-05-01 is in 2024/25 B1, which starts on 2024-04-01)',
    ],
    [
      'half_yearly',
      '2025-01-01',
      '"2025-01-01" is not the start of a half-year: half-years start on 1 April and 1 October (2025-01-01 is in 2024/25 H2, which starts on 2024-10-01)',
    ],
    [
      'annual',
      '2024-01-01',
      '"2024-01-01" is not the start of a financial year: financial years start on 1 April (2024-01-01 is in 2023/24, which starts on 2023-04-01)',
    ],
    [
      'monthly',
      '2024-05-15',
      '"2024-05-15" is not the start of a month: months start on the first day of each month (2024-05-15 is in May 2024, which starts on 2024-05-01)',
    ],
    [
      'weekly',
      '2024-04-01',
      '"weekly" is not a frequency: use one of monthly, bimonthly, quarterly, half_yearly, annual',
    ],
    ['quarterly', '2024-02-30', '"2024-02-30" is not a date: February 2024 has no day 30'],
    ['quarterly', '2023-02-29', '"2023-02-29" is not a date: February 2023 has no day 29'],
    ['quarterly', '2024-13-01', '"2024-13-01" is not a date: months run 01 to 12'],
    ['quarterly', '2024-7-1', '"2024-7-1" is not a date: write dates as YYYY-MM-DD'],
  ]
  for (const [frequency, start, message] of invalid) {
    it(`rejects ${frequency} starting ${start}`, () => {
      assert.throws(() => parsePeriodStart({ frequency, start }), { name: 'PeriodError', message })
    })
  }
})

describe('parsePeriodInput', () => {
  it('takes a label or a frequency and start and gives the same period', () => {
    const expected = label('2024/25 Q2')
    assert.deepEqual(parsePeriodInput('2024/25 Q2'), expected)
    assert.deepEqual(parsePeriodInput({ frequency: 'quarterly', start: '2024-07-01' }), expected)
  })
})

describe('periodContaining', () => {
  const table: ReadonlyArray<readonly [string, Frequency, string]> = [
    ['2024-04-01', 'monthly', 'Apr 2024'],
    ['2024-02-29', 'monthly', 'Feb 2024'],
    ['2024-07-31', 'bimonthly', '2024/25 B2'],
    ['2025-01-15', 'bimonthly', '2024/25 B5'],
    ['2024-12-31', 'quarterly', '2024/25 Q3'],
    ['2025-03-31', 'quarterly', '2024/25 Q4'],
    ['2025-04-01', 'quarterly', '2025/26 Q1'],
    ['2024-09-30', 'half_yearly', '2024/25 H1'],
    ['2024-10-01', 'half_yearly', '2024/25 H2'],
    ['2025-03-31', 'annual', '2024/25'],
  ]
  for (const [date, frequency, expected] of table) {
    it(`puts ${date} in ${expected}`, () => {
      assert.equal(periodContaining(date, frequency).label, expected)
    })
  }
})

describe('moving between periods', () => {
  const steps: ReadonlyArray<readonly [string, string]> = [
    ['Mar 2025', 'Apr 2025'],
    ['Dec 2024', 'Jan 2025'],
    ['2024/25 B6', '2025/26 B1'],
    ['2024/25 B4', '2024/25 B5'],
    ['2024/25 Q4', '2025/26 Q1'],
    ['2024/25 H2', '2025/26 H1'],
    ['1999/00', '2000/01'],
  ]
  for (const [before, after] of steps) {
    it(`goes from ${before} to ${after} and back`, () => {
      assert.equal(nextPeriod(label(before)).label, after)
      assert.equal(previousPeriod(label(after)).label, before)
    })
  }

  it('shifts by several periods in either direction', () => {
    assert.equal(shiftPeriod(label('2024/25 Q3'), 5).label, '2025/26 Q4')
    assert.equal(shiftPeriod(label('Feb 2025'), -14).label, 'Dec 2023')
  })

  it('finds the same period a year earlier', () => {
    assert.equal(samePeriodLastYear(label('2024/25 Q2')).label, '2023/24 Q2')
    assert.equal(samePeriodLastYear(label('Jan 2025')).label, 'Jan 2024')
    assert.equal(samePeriodLastYear(label('2000/01 B5')).label, '1999/00 B5')
  })
})

describe('listing periods', () => {
  it('lists every period of a financial year in order', () => {
    assert.deepEqual(labels(periodsInFinancialYear('quarterly', 2024)), [
      '2024/25 Q1',
      '2024/25 Q2',
      '2024/25 Q3',
      '2024/25 Q4',
    ])
    assert.deepEqual(labels(periodsInFinancialYear('monthly', 2024)), [
      'Apr 2024',
      'May 2024',
      'Jun 2024',
      'Jul 2024',
      'Aug 2024',
      'Sep 2024',
      'Oct 2024',
      'Nov 2024',
      'Dec 2024',
      'Jan 2025',
      'Feb 2025',
      'Mar 2025',
    ])
    assert.deepEqual(
      periodsInFinancialYear('bimonthly', 2024).map((p) => [p.start, p.end]),
      [
        ['2024-04-01', '2024-05-31'],
        ['2024-06-01', '2024-07-31'],
        ['2024-08-01', '2024-09-30'],
        ['2024-10-01', '2024-11-30'],
        ['2024-12-01', '2025-01-31'],
        ['2025-02-01', '2025-03-31'],
      ],
    )
    assert.deepEqual(labels(periodsInFinancialYear('half_yearly', 2024)), [
      '2024/25 H1',
      '2024/25 H2',
    ])
    assert.deepEqual(labels(periodsInFinancialYear('annual', 2024)), ['2024/25'])
  })

  it('lists the periods between two periods, both included', () => {
    assert.deepEqual(labels(periodsBetween(label('2023/24 Q3'), label('2024/25 Q2'))), [
      '2023/24 Q3',
      '2023/24 Q4',
      '2024/25 Q1',
      '2024/25 Q2',
    ])
    assert.deepEqual(labels(periodsBetween(label('Mar 2024'), label('Mar 2024'))), ['Mar 2024'])
  })

  it('lists nothing when the first period comes after the last', () => {
    assert.deepEqual(periodsBetween(label('2024/25 Q2'), label('2024/25 Q1')), [])
  })

  it('refuses to list between periods of different frequencies', () => {
    assert.throws(() => periodsBetween(label('Apr 2024'), label('2024/25 Q2')), {
      name: 'PeriodError',
      message:
        'Cannot list the periods from Apr 2024 to 2024/25 Q2: one is a month and the other a quarter',
    })
  })

  it('lists the year to date', () => {
    assert.deepEqual(labels(yearToDate(label('2024/25 Q3'))), [
      '2024/25 Q1',
      '2024/25 Q2',
      '2024/25 Q3',
    ])
    assert.deepEqual(labels(yearToDate(label('Apr 2024'))), ['Apr 2024'])
  })
})

describe('comparing periods', () => {
  it('sorts by start date, a month before the quarter that starts with it', () => {
    const sorted = ['2024/25 Q2', 'Jul 2024', '2024/25', 'Apr 2024', '2023/24 H2', '2024/25 Q1']
      .map(label)
      .sort(comparePeriods)
    assert.deepEqual(labels(sorted), [
      '2023/24 H2',
      'Apr 2024',
      '2024/25 Q1',
      '2024/25',
      'Jul 2024',
      '2024/25 Q2',
    ])
  })

  it('knows when two periods are the same', () => {
    assert.equal(
      isSamePeriod(
        label('2024/25 Q1'),
        parsePeriodInput({ frequency: 'quarterly', start: '2024-04-01' }),
      ),
      true,
    )
    assert.equal(isSamePeriod(label('2024/25 Q1'), label('Apr 2024')), false)
  })

  it('knows which dates a period contains', () => {
    assert.equal(periodContains(label('2024/25 Q3'), '2024-12-31'), true)
    assert.equal(periodContains(label('2024/25 Q3'), '2025-01-01'), false)
    assert.throws(() => periodContains(label('2024/25 Q3'), '31/12/2024'), PeriodError)
  })
})

describe('parent and child periods', () => {
  const parents: ReadonlyArray<readonly [string, Frequency, string]> = [
    ['Sep 2024', 'quarterly', '2024/25 Q2'],
    ['Jan 2025', 'bimonthly', '2024/25 B5'],
    ['Jan 2025', 'half_yearly', '2024/25 H2'],
    ['Mar 2025', 'annual', '2024/25'],
    ['2024/25 B5', 'half_yearly', '2024/25 H2'],
    ['2024/25 Q4', 'half_yearly', '2024/25 H2'],
    ['2024/25 Q4', 'annual', '2024/25'],
    ['2024/25 Q4', 'quarterly', '2024/25 Q4'],
  ]
  for (const [child, frequency, parent] of parents) {
    it(`puts ${child} in ${parent}`, () => {
      assert.equal(parentPeriod(label(child), frequency).label, parent)
    })
  }

  it('refuses a parent that would not contain the whole period', () => {
    assert.throws(() => parentPeriod(label('2024/25 B2'), 'quarterly'), {
      name: 'PeriodError',
      message: '2024/25 B2 has no single quarter: two-month periods do not fit within quarters',
    })
    assert.throws(() => parentPeriod(label('2024/25 Q2'), 'monthly'), PeriodError)
  })

  it('splits a period into the finer periods that make it up', () => {
    assert.deepEqual(labels(periodsWithin(label('2024/25 Q4'), 'monthly')), [
      'Jan 2025',
      'Feb 2025',
      'Mar 2025',
    ])
    assert.deepEqual(labels(periodsWithin(label('2024/25 H2'), 'bimonthly')), [
      '2024/25 B4',
      '2024/25 B5',
      '2024/25 B6',
    ])
    assert.throws(() => periodsWithin(label('2024/25 Q1'), 'bimonthly'), PeriodError)
  })
})

describe('working days', () => {
  const days: ReadonlyArray<readonly [string, boolean]> = [
    ['2024-12-24', true],
    ['2024-12-25', false],
    ['2024-12-26', false],
    ['2024-12-28', false],
    ['2024-12-29', false],
    ['2025-01-01', false],
    ['2025-01-02', true],
    ['2025-04-18', false],
    ['2025-04-21', false],
    ['2022-09-19', false],
    ['2022-09-20', true],
  ]
  for (const [date, working] of days) {
    it(`counts ${date} as ${working ? 'a working day' : 'a day off'}`, () => {
      assert.equal(isWorkingDay(date), working)
    })
  }

  const additions: ReadonlyArray<readonly [string, number, string]> = [
    ['2024-12-24', 1, '2024-12-27'],
    ['2024-12-20', 3, '2024-12-27'],
    ['2024-12-27', -1, '2024-12-24'],
    ['2025-01-02', -1, '2024-12-31'],
    ['2024-12-28', 0, '2024-12-28'],
    ['2025-04-17', 1, '2025-04-22'],
  ]
  for (const [date, count, expected] of additions) {
    it(`puts ${count} working days after ${date} on ${expected}`, () => {
      assert.equal(addWorkingDays(date, count), expected)
    })
  }

  const dues: ReadonlyArray<readonly [string, number, string]> = [
    ['2024/25 Q3', 15, '2025-01-22'], // 1 January 2025 is skipped
    ['2024/25 Q3', 1, '2025-01-02'],
    ['Nov 2024', 20, '2024-12-31'], // Christmas and Boxing Day are skipped
    ['Mar 2025', 15, '2025-04-23'], // Good Friday and Easter Monday 2025
    ['2023/24 Q4', 1, '2024-04-02'], // ends on Easter Sunday; Easter Monday follows
    ['2023/24 Q4', 10, '2024-04-15'],
    ['Aug 2022', 13, '2022-09-20'], // the State Funeral
    ['2024/25 Q1', 0, '2024-06-30'],
  ]
  for (const [period, workingDays, expected] of dues) {
    it(`makes ${period} due ${workingDays} working days later, on ${expected}`, () => {
      assert.equal(dueDate(label(period), workingDays), expected)
    })
  }

  it('refuses a negative or fractional number of working days', () => {
    assert.throws(() => dueDate(label('2024/25 Q1'), -1), PeriodError)
    assert.throws(() => dueDate(label('2024/25 Q1'), 1.5), PeriodError)
    assert.throws(() => addWorkingDays('2024-06-28', 0.5), PeriodError)
  })

  it('refuses to count into years the bank holiday table does not cover', () => {
    assert.throws(() => addWorkingDays('2035-12-31', 1), BankHolidayRangeError)
    assert.throws(() => dueDate(label('2035/36 Q4'), 5), BankHolidayRangeError)
    assert.throws(() => isWorkingDay('1999-12-25'), BankHolidayRangeError)
  })

  it('counts exactly n working days, whatever the start', () => {
    fc.assert(
      fc.property(dateArb(2000, 2034), fc.integer({ min: 0, max: 40 }), (date, n) => {
        const result = addWorkingDays(date, n)
        let counted = 0
        for (let day = addDays(date, 1); day <= result; day = addDays(day, 1)) {
          if (isWorkingDay(day)) counted++
        }
        assert.equal(counted, n)
        if (n > 0) assert.equal(isWorkingDay(result), true)
        if (isWorkingDay(date)) assert.equal(addWorkingDays(result, -n), date)
      }),
    )
  })
})

describe('dates', () => {
  it('tells ISO dates from other text', () => {
    assert.equal(isIsoDate('2024-02-29'), true)
    assert.equal(isIsoDate('2023-02-29'), false)
    assert.equal(isIsoDate('2024-2-29'), false)
    assert.equal(isIsoDate('0050-01-01'), false)
  })

  it('adds calendar days across months and years', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29')
    assert.equal(addDays('2024-12-31', 1), '2025-01-01')
    assert.equal(addDays('2025-03-01', -1), '2025-02-28')
  })
})

describe('period properties', () => {
  it('reads back its own label and start', () => {
    fc.assert(
      fc.property(periodArb, (period) => {
        assert.deepEqual(parsePeriodLabel(period.label), period)
        assert.deepEqual(
          parsePeriodInput({ frequency: period.frequency, start: period.start }),
          period,
        )
      }),
    )
  })

  it('steps forward and back to the same period, with no gap between', () => {
    fc.assert(
      fc.property(periodArb, fc.integer({ min: -50, max: 50 }), (period, n) => {
        assert.deepEqual(nextPeriod(previousPeriod(period)), period)
        assert.deepEqual(previousPeriod(nextPeriod(period)), period)
        assert.equal(nextPeriod(period).start, addDays(period.end, 1))
        assert.deepEqual(shiftPeriod(shiftPeriod(period, n), -n), period)
        if (n >= 0) assert.equal(periodsBetween(period, shiftPeriod(period, n)).length, n + 1)
      }),
    )
  })

  it('tiles each financial year without gap or overlap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FREQUENCIES),
        fc.integer({ min: 1990, max: 2060 }),
        (frequency, year) => {
          const periods = periodsInFinancialYear(frequency, year)
          assert.equal(periods.length, periodsPerYear(frequency))
          assert.equal(periods[0]?.start, `${year}-04-01`)
          assert.equal(periods.at(-1)?.end, `${year + 1}-03-31`)
          periods.forEach((period, i) => {
            assert.equal(period.index, i + 1)
            assert.equal(period.financialYear, year)
            const following = periods[i + 1]
            if (following !== undefined) assert.equal(following.start, addDays(period.end, 1))
          })
        },
      ),
    )
  })

  it('finds a period that contains the date, for every frequency', () => {
    fc.assert(
      fc.property(dateArb(1990, 2060), fc.constantFrom(...FREQUENCIES), (date, frequency) => {
        const period = periodContaining(date, frequency)
        assert.equal(periodContains(period, date), true)
        assert.equal(period.frequency, frequency)
        assert.equal(period.financialYear, financialYearOf(date))
      }),
    )
  })

  it('contains its own first and last day', () => {
    fc.assert(
      fc.property(periodArb, (period) => {
        assert.deepEqual(periodContaining(period.start, period.frequency), period)
        assert.deepEqual(periodContaining(period.end, period.frequency), period)
      }),
    )
  })

  it('goes back a year to the same months', () => {
    fc.assert(
      fc.property(periodArb, (period) => {
        const earlier = samePeriodLastYear(period)
        assert.equal(
          earlier.start,
          `${Number(period.start.slice(0, 4)) - 1}${period.start.slice(4)}`,
        )
        assert.equal(earlier.index, period.index)
        assert.deepEqual(shiftPeriod(period, -periodsPerYear(period.frequency)), earlier)
      }),
    )
  })

  it('sits inside every coarser period it fits in', () => {
    fc.assert(
      fc.property(periodArb, fc.constantFrom(...FREQUENCIES), (period, frequency) => {
        const fits =
          (12 / periodsPerYear(frequency)) % (12 / periodsPerYear(period.frequency)) === 0
        if (!fits) {
          assert.throws(() => parentPeriod(period, frequency), PeriodError)
          return
        }
        const parent = parentPeriod(period, frequency)
        assert.ok(parent.start <= period.start && period.end <= parent.end)
        assert.ok(periodsWithin(parent, period.frequency).some((p) => isSamePeriod(p, period)))
      }),
    )
  })

  it('orders periods by their start dates', () => {
    fc.assert(
      fc.property(fc.array(periodArb), (periods) => {
        const sorted = [...periods].sort(comparePeriods).map((p) => p.start)
        assert.deepEqual(sorted, periods.map((p) => p.start).sort())
      }),
    )
  })
})

describe('periods in words', () => {
  const cases: [string, string, string][] = [
    ['Oct 2026', 'October 2026', 'Oct 2026'],
    ['2026/27 B4', 'October–November 2026 (period 4)', 'Oct–Nov 2026'],
    ['2026/27 B5', 'December 2026–January 2027 (period 5)', 'Dec 2026–Jan 2027'],
    ['2026/27 Q2', 'July–September 2026 (quarter 2)', 'Jul–Sep 2026'],
    ['2026/27 Q4', 'January–March 2027 (quarter 4)', 'Jan–Mar 2027'],
    ['2026/27 H1', 'April–September 2026 (first half-year)', 'Apr–Sep 2026'],
    ['2026/27 H2', 'October 2026–March 2027 (second half-year)', 'Oct 2026–Mar 2027'],
    ['2026/27', '2026/27 (April 2026–March 2027)', '2026/27'],
  ]
  for (const [label, words, short] of cases) {
    it(`says ${label} as "${words}"`, () => {
      const period = parsePeriodLabel(label)
      assert.equal(periodInWords(period), words)
      assert.equal(periodInShortWords(period), short)
      // A view of the period (its frequency and first day) reads the same.
      assert.equal(periodInWords({ frequency: period.frequency, start: period.start }), words)
    })
  }
})
