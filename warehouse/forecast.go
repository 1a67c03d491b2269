package warehouse

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// The forecast of a whole school year from its figure to date (docs/forecast.md): by the
// same day, earlier complete school years had reached a share of their whole year; this
// year's figure to date divided by their mean share is the forecast, and how much that
// share varied between those years gives an 80% interval and the chance of meeting the
// target.

// Forecast limits: fewer earlier years, or a smaller figure to date, say too little.
const (
	// ForecastMinYears is the least number of earlier complete school years a forecast
	// draws on: with two, the spread of the share is a guess.
	ForecastMinYears = 3
	// ForecastMinToDate is the least figure to date a forecast starts from: below 20,
	// chance alone moves a count by a quarter or more (a Poisson count of 20 has a
	// standard deviation of 4.5).
	ForecastMinToDate = 20
	// ForecastInterval is the coverage the interval aims at.
	ForecastInterval = 0.8
	// forecastMinRelSpread floors the spread of the share at 1% of it, so that years that
	// happened to run alike do not give an interval of one number.
	forecastMinRelSpread = 0.01
)

// ForecastMethod is the method in English, as the API serves it.
const ForecastMethod = "The share of a whole year's count that earlier complete school years had reached by the same day; this year's figure to date divided by their mean share. The 80% interval and the chance of meeting the target follow from how much that share varied between those years (a normal distribution, widened for the small number of years)."

// Forecast is the expected value of a whole school year, or why there is none.
type Forecast struct {
	Value, Low, High *float64 // nil when there is no forecast
	Interval         float64  // the coverage Low … High aims at (0.8)
	// PTargetMet is the chance that the whole year meets its target; nil without a
	// target or without a forecast.
	PTargetMet *float64
	// Share is the mean share of the whole year the earlier years had reached by the
	// same day; BasedOn the school years it is the mean of.
	Share   *float64
	BasedOn []string
	// Status is set when the figure to date is not a value (it carries its status) or the
	// API suppresses it; empty otherwise, also when ReasonNL says why there is none.
	Status             Status
	Suppressed         bool
	MethodNL, Method   string
	ReasonNL, ReasonEN string // why there is no forecast; empty when there is one
}

func noForecast(st Status, nl, en string) Forecast {
	return Forecast{Interval: ForecastInterval, Status: st, Method: ForecastMethod, MethodNL: methodNL(nil, 0),
		ReasonNL: nl, ReasonEN: en}
}

func methodNL(share *float64, years int) string {
	if share == nil {
		return "De prognose deelt het aantal tot nu toe door het deel van het jaartotaal dat eerdere volledige schooljaren op dezelfde dag hadden bereikt; de marge volgt uit hoe sterk dat deel per jaar verschilde."
	}
	return fmt.Sprintf("Op deze dag hadden de %d eerdere volledige schooljaren gemiddeld %s%% van hun jaartotaal bereikt; de prognose is het aantal tot nu toe gedeeld door dat deel, met een marge (80%% kans) naar hoe sterk dat deel per jaar verschilde.",
		years, formatPctNL(*share*100))
}

func formatPctNL(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.0f", v)
	}
	return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1)
}

// forecast forecasts def's whole year in progress from cur, its figure to date.
func (s *KPISnapshot) forecast(def KPIDef, cur Period, in map[string]bool, target *float64) Forecast {
	if !cur.Status.IsValue() {
		return noForecast(cur.Status, "", "")
	}
	if def.Unit == UnitPercent {
		return noForecast("", "Geen prognose voor een percentage: het percentage tot nu toe (over de episodes die al beoordeeld kunnen worden) is zelf de beste schatting van het jaar, en een episode die te laat een aanbod kreeg, blijft dat.",
			"No forecast for a percentage: the percentage to date (over the episodes that can be judged) is itself the best estimate of the year, and an episode that missed its offer stays missed.")
	}
	years := s.earlierYears(def, cur.SchoolYear, in)
	return forecastFrom(*cur.Value, s.sharesAt(def, years, cur.Through, in), years, target)
}

// earlierYears are the complete school years before year whose figure over in is a
// value: the years a forecast of year may learn from.
func (s *KPISnapshot) earlierYears(def KPIDef, year string, in map[string]bool) []string {
	var out []string
	for _, y := range s.Years {
		if y < year && !s.lopend[y] && s.figureStatus(def.calc.figuren, y, in).IsValue() {
			out = append(out, y)
		}
	}
	return out
}

// sharesAt gives, for each of years, the share of its whole year def had reached by the
// day with through's day and month; a year with a whole-year count of 0 has no share
// and is left out (NaN).
func (s *KPISnapshot) sharesAt(def KPIDef, years []string, through time.Time, in map[string]bool) []float64 {
	out := make([]float64, len(years))
	c := def.calc
	for i, y := range years {
		full := s.ytdCount(c.table, c.num, y, time.Time{}, in)
		if full == 0 {
			out[i] = math.NaN()
			continue
		}
		out[i] = float64(s.ytdCount(c.table, c.num, y, SameDay(y, through), in)) / float64(full)
	}
	return out
}

// forecastFrom is the forecast of a whole year from its figure to date and the shares
// earlier years (named by years) had reached by the same day; NaN shares are left out.
func forecastFrom(toDate float64, shares []float64, years []string, target *float64) Forecast {
	var used []float64
	var basedOn []string
	for i, r := range shares {
		if !math.IsNaN(r) {
			used = append(used, r)
			basedOn = append(basedOn, years[i])
		}
	}
	switch {
	case len(used) < ForecastMinYears:
		return noForecast("", fmt.Sprintf("Geen prognose: er zijn minder dan %d eerdere volledige schooljaren om mee te vergelijken.", ForecastMinYears),
			fmt.Sprintf("No forecast: fewer than %d earlier complete school years to compare with.", ForecastMinYears))
	case toDate < ForecastMinToDate:
		return noForecast("", fmt.Sprintf("Geen prognose: tot nu toe minder dan %d, te weinig om iets over het hele jaar te zeggen.", ForecastMinToDate),
			fmt.Sprintf("No forecast: fewer than %d to date, too few to say anything about the whole year.", ForecastMinToDate))
	}
	n := float64(len(used))
	var mean float64
	for _, r := range used {
		mean += r
	}
	mean /= n
	var ss float64
	for _, r := range used {
		ss += (r - mean) * (r - mean)
	}
	sd := math.Max(math.Sqrt(ss/(n-1)), forecastMinRelSpread*mean)
	// The spread of next year's share: the years' spread, widened for the uncertainty
	// of their mean (√(1+1/n)) and for estimating it from few years (Student's t).
	half := tQuantile90(len(used)-1) * sd * math.Sqrt(1+1/n)
	lowShare, highShare := mean-half, math.Min(mean+half, 1)
	if mean <= 0 || lowShare <= 0 {
		return noForecast("", "Geen prognose: op deze dag verschilden eerdere schooljaren te sterk om iets over het hele jaar te zeggen.",
			"No forecast: at this point of the year earlier school years differed too much to say anything about the whole year.")
	}
	f := Forecast{Interval: ForecastInterval, Share: ptr(math.Round(mean*10000) / 10000), BasedOn: basedOn, Method: ForecastMethod, MethodNL: methodNL(&mean, len(used))}
	f.Value = ptr(math.Round(toDate / mean))
	f.Low = ptr(math.Max(math.Floor(toDate/highShare), toDate))
	f.High = ptr(math.Ceil(toDate / lowShare))
	if target != nil {
		var p float64
		if toDate <= *target {
			// Met when the share reached by now is at least toDate/target.
			sigma := half / 1.2815515655446004 // the normal whose 80% interval is ±half
			p = 1 - normalCDF((toDate / *target - mean)/sigma)
		}
		f.PTargetMet = ptr(math.Round(p*100) / 100)
	}
	return f
}

// tQuantile90 is the 90th percentile of Student's t with df degrees of freedom.
func tQuantile90(df int) float64 {
	table := []float64{0, 3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372, 1.363, 1.356, 1.350, 1.345, 1.341}
	switch {
	case df < 1:
		return math.Inf(1)
	case df < len(table):
		return table[df]
	case df < 30:
		return 1.325
	}
	return 1.2815515655446004
}

func normalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// ToDate is KPI id over filter f in school year from 1 August up to and including day
// (the same counting as the year in progress); day after 31 July gives the whole year,
// which equals the year's point of the series.
func (s *KPISnapshot) ToDate(id string, f KPIFilter, year string, day time.Time) (Period, error) {
	def, rf, err := s.resolve(id, f)
	if err != nil {
		return Period{}, err
	}
	if !s.hasYTD(def) {
		return Period{}, fmt.Errorf("warehouse: kpi %s has no year to date: %w", id, ErrNotFound)
	}
	return s.period(def, year, day, s.gemeenteSet(rf)), nil
}

// BacktestMonth is how the forecasts made on the last day of one month of the school
// year fared against what the years became.
type BacktestMonth struct {
	Month     time.Month // August … June (on 31 July the year is known)
	Forecasts int        // school years forecast
	Skipped   int        // school years without a forecast (too small to date)
	Covered   int        // forecasts whose 80% interval held the whole year
	MAPE      float64    // mean absolute percentage error of the forecasts, in percent
}

// Coverage is the share of forecasts whose interval held the whole year.
func (m BacktestMonth) Coverage() float64 {
	if m.Forecasts == 0 {
		return math.NaN()
	}
	return float64(m.Covered) / float64(m.Forecasts)
}

// Backtest forecasts every complete school year of KPI id over filter f as it would
// have been forecast on the last day of each month from August to June — from that
// year's figure to date and the complete years before it only — and compares the
// forecasts with what the year became (docs/forecast.md). A year needs three complete
// years before it. A KPI without a forecast (a percentage) gives no months.
func (s *KPISnapshot) Backtest(id string, f KPIFilter) ([]BacktestMonth, error) {
	def, rf, err := s.resolve(id, f)
	if err != nil {
		return nil, err
	}
	if !s.hasYTD(def) || def.Unit != UnitCount {
		return nil, nil
	}
	in := s.gemeenteSet(rf)
	out := make([]BacktestMonth, 11)
	for m := range out {
		out[m].Month = time.Month((7+m)%12 + 1)
	}
	var sumAPE [11]float64
	c := def.calc
	for _, y := range s.Years {
		if s.lopend[y] || !s.figureStatus(c.figuren, y, in).IsValue() {
			continue
		}
		earlier := s.earlierYears(def, y, in)
		if len(earlier) < ForecastMinYears {
			continue
		}
		actual := float64(s.ytdCount(c.table, c.num, y, time.Time{}, in))
		for m := range out {
			cutoff := yearBegin(y).AddDate(0, m+1, -1) // the last day of the month
			toDate := float64(s.ytdCount(c.table, c.num, y, cutoff, in))
			fc := forecastFrom(toDate, s.sharesAt(def, earlier, cutoff, in), earlier, nil)
			if fc.Value == nil || actual == 0 {
				out[m].Skipped++
				continue
			}
			out[m].Forecasts++
			sumAPE[m] += math.Abs(*fc.Value-actual) / actual * 100
			if *fc.Low <= actual && actual <= *fc.High {
				out[m].Covered++
			}
		}
	}
	for m := range out {
		if out[m].Forecasts > 0 {
			out[m].MAPE = sumAPE[m] / float64(out[m].Forecasts)
		}
	}
	return out, nil
}
