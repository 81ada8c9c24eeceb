//! Instants as a reader reads them: the date, the time to the minute and the zone's name, in
//! the locale's CLDR patterns (ICU4X), in the recipient's time zone (`2 December 2026 at
//! 11:05 AM Central European Standard Time`, `2026年12月2日 19:05 日本標準時`).
//!
//! jiff turns the instant into the zone's wall time and offset; ICU4X writes it. Each
//! locale's formatter is built on first use and kept (building one loads its patterns).

use std::sync::{Arc, OnceLock};

use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{self, Combo, zone::SpecificLong};
use icu_datetime::options::TimePrecision;
use icu_time::zone::{IanaParser, UtcOffset, ZoneNameTimestamp};
use icu_time::{Time, ZonedDateTime};
use jiff::tz::TimeZone;
use time::OffsetDateTime;
use unic_langid::LanguageIdentifier;

type Formatter = FixedCalendarDateTimeFormatter<Gregorian, Combo<fieldsets::YMDT, SpecificLong>>;

/// A locale's date-and-time formatter, built on first use; shared by the catalogs layered on
/// the locale (template sets).
#[derive(Clone, Default)]
pub(super) struct DateTimes(Arc<OnceLock<Option<Formatter>>>);

impl DateTimes {
    /// `at` in `zone`, written for `id`. `None` only if ICU4X has no data for the locale,
    /// which the compiled data rules out for every language mailroom ships.
    pub(super) fn format(
        &self,
        id: &LanguageIdentifier,
        at: OffsetDateTime,
        zone: &TimeZone,
    ) -> Option<String> {
        let formatter = self.0.get_or_init(|| build(id)).as_ref()?;
        let seconds = at.unix_timestamp();
        let wall = jiff::Timestamp::from_second(seconds)
            .ok()?
            .to_zoned(zone.clone());
        let date = Date::try_new_gregorian(
            i32::from(wall.year()),
            u8::try_from(wall.month()).ok()?,
            u8::try_from(wall.day()).ok()?,
        )
        .ok()?;
        let time = Time::try_new(
            u8::try_from(wall.hour()).ok()?,
            u8::try_from(wall.minute()).ok()?,
            0,
            0,
        )
        .ok()?;
        // The zone's name is looked up by its IANA id, at the instant (names change with
        // daylight saving time and over the years); an offset the zone does not have at
        // that instant would be written `GMT+1`.
        let zone = IanaParser::new()
            .parse(zone.iana_name().unwrap_or("Etc/Unknown"))
            .with_offset(UtcOffset::try_from_seconds(wall.offset().seconds()).ok())
            .with_zone_name_timestamp(ZoneNameTimestamp::from_epoch_seconds(seconds));
        Some(
            formatter
                .format(&ZonedDateTime { date, time, zone })
                .to_string(),
        )
    }
}

fn build(id: &LanguageIdentifier) -> Option<Formatter> {
    // A pseudo-locale (`en-XA`) formats as its language: ICU4X falls back from the region.
    let locale: icu_locale_core::Locale = id.to_string().parse().ok()?;
    let fields = fieldsets::YMDT::long()
        .with_time_precision(TimePrecision::Minute)
        .with_zone(SpecificLong);
    Formatter::try_new((&locale).into(), fields).ok()
}
