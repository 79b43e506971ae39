import Testing
@testable import Pipeline

/// The registry entries used here, restated from the RFCs rather than read from the code:
/// RFC 8428 section 12.1 registers `Cel`, `K`, `Pa`, `m`, `V`, `A`, `lx`, `%RH`, `count`, `/`;
/// RFC 8798 table 2 defines `hPa` = 100 Pa, `mm` = 1/1000 m, `cm` = 1/100 m, `km` = 1000 m,
/// `mV` = 1/1000 V, `mA` = 1/1000 A, `ppm` = 1/1000000 of `/`, `km/h` = 1/3.6 m/s,
/// `dBm` = dBW + 30 (offset −30: dBW = dBm − 30), `min` = 60 s, `h` = 3600 s.
@Suite struct UnitConversionTests {
    func convert(_ value: Double, _ from: String, _ to: String) -> Double? {
        SenMLUnitRegistry.conversion(from: SenMLUnit(rawValue: from), to: SenMLUnit(rawValue: to))?.convert(value)
    }

    @Test func temperatureBetweenCelsiusAndKelvin() {
        // 0 °C = 273.15 K by definition; 21.5 °C = 294.65 K; 300 K = 26.85 °C.
        #expect(convert(0, "Cel", "K") == 273.15)
        #expect(close(convert(21.5, "Cel", "K"), 294.65))
        #expect(close(convert(300, "K", "Cel"), 26.85))
        #expect(close(convert(-40, "Cel", "K"), 233.15))
    }

    @Test func pressureToHectopascalRoundsOnce() {
        // 101325 Pa / 100 = 1013.25 hPa, exact in binary: dividing (not multiplying by 0.01) keeps it exact.
        #expect(convert(101_325, "Pa", "hPa") == 1013.25)
        #expect(convert(1013.25, "hPa", "Pa") == 101_325)
    }

    @Test func lengthsVoltagesAndCurrents() {
        #expect(convert(1.5, "m", "mm") == 1500)   // 1.5 × 1000
        #expect(convert(250, "cm", "m") == 2.5)    // 250 / 100
        #expect(close(convert(25, "mm", "cm"), 2.5))  // 25 / 1000 × 100
        #expect(convert(3, "km", "m") == 3000)
        #expect(convert(3.3, "V", "mV") == 3300)   // 3.3 × 1000 rounds to exactly 3300
        #expect(convert(1250, "mV", "V") == 1.25)
        #expect(convert(20, "mA", "A") == 0.02)    // 20 / 1000, the double nearest 0.02
    }

    @Test func offsetUnitsAndCompoundScales() {
        #expect(convert(0, "dBm", "dBW") == -30)   // 1 mW = −30 dBW
        #expect(convert(10, "m/s", "km/h") == 36)  // 10 × 3.6
        #expect(convert(90, "min", "h") == 1.5)    // 90 × 60 / 3600
        #expect(close(convert(0.000412, "/", "ppm"), 412))
    }

    @Test func identityAndUnconvertiblePairs() {
        #expect(convert(21.5, "Cel", "Cel") == 21.5)
        #expect(convert(100, "lx", "lx") == 100)
        #expect(convert(1, "Cel", "Pa") == nil)
        #expect(convert(1, "%RH", "/") == nil)     // relative humidity is not a plain ratio in SenML
        #expect(convert(1, "Cel", "degF") == nil)  // SenML registers no Fahrenheit
        #expect(convert(1, "Pa", "kPa") == nil)    // nor kilopascal
    }

    @Test func registryMembership() {
        for unit in ["Cel", "K", "Pa", "lx", "%RH", "count", "m", "V", "A", "/", "hPa", "mV", "mA", "mm", "cm", "ppm"] {
            #expect(SenMLUnitRegistry.isRegistered(SenMLUnit(rawValue: unit)), "\(unit)")
        }
        for unit in ["degF", "kPa", "°C", "celsius", "lux", ""] {
            #expect(!SenMLUnitRegistry.isRegistered(SenMLUnit(rawValue: unit)), "\(unit)")
        }
    }

    @Test func familiesForMessages() {
        #expect(SenMLUnitRegistry.units(convertibleFrom: .celsius).map(\.rawValue) == ["Cel", "K"])
        #expect(SenMLUnitRegistry.units(convertibleFrom: .pascal).map(\.rawValue) == ["Pa", "hPa"])
        #expect(SenMLUnitRegistry.units(convertibleFrom: SenMLUnit(rawValue: "m")).map(\.rawValue) == ["cm", "km", "m", "mm"])
    }

    @Test func stageConvertsOnlyItsQuantityAndRelabels() {
        let conversion = SenMLUnitRegistry.conversion(from: .pascal, to: SenMLUnit(rawValue: "hPa"))
        #expect(conversion != nil)
        guard let conversion else { return }
        let stage = UnitConversionStage(quantity: "pressure", conversion: conversion)
        var dropped: [DroppedReading] = []
        let input = [sample(101_325, quantity: "pressure", unit: .pascal), sample(21, quantity: "temperature"),
                     sample(5, quantity: "pressure", unit: .celsius)]
        let out = stage.process(input, dropped: &dropped)
        #expect(out.map(\.number) == [1013.25, 21])
        #expect(out.map(\.unit.rawValue) == ["hPa", "Cel"])
        #expect(dropped.map(\.reason) == ["unit_mismatch"])
    }

    @Test func aConversionThatOverflowsIsDroppedNotSent() {
        let conversion = SenMLUnitRegistry.conversion(from: SenMLUnit(rawValue: "km"), to: SenMLUnit(rawValue: "mm"))
        guard let conversion else {
            Issue.record("km converts to mm")
            return
        }
        let stage = UnitConversionStage(quantity: "d", conversion: conversion)
        var dropped: [DroppedReading] = []
        let out = stage.process([sample(1e306, quantity: "d", unit: SenMLUnit(rawValue: "km"))], dropped: &dropped)
        #expect(out.isEmpty)
        #expect(dropped.map(\.reason) == ["unit_not_finite"])
    }
}
