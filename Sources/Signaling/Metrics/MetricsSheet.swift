import Prometheus

/// One scrape's worth of Prometheus metrics: a fresh
/// `PrometheusCollectorRegistry` filled from current state, emitted, and
/// dropped.
///
/// Why a fresh registry per scrape rather than long-lived gauges and
/// counters updated as things happen: every value Meridian exposes already
/// exists as state elsewhere (a bridge's counters in `MediaBridge.statistics()`,
/// the controller's rooms and the bridges' last reports), so copying it at
/// scrape time adds nothing to the media thread's hot path and no second
/// copy that could drift. Series for a bridge, link or peer that went away
/// vanish with it instead of lingering at their last value, and there is no
/// shared registry to lock against the forwarding threads. A scrape every
/// few seconds costs a few hundred small allocations, off the media path.
///
/// Counters are cumulative values read from their owner (they restart at
/// zero when a bridge restarts, which Prometheus' `rate()` treats as a
/// reset). Each family is declared once in `MetricFamily` with its type,
/// help and label names, so two recorders writing the same family (the
/// bridges of `meridian up`) cannot disagree on them.
///
/// `Sendable` (the registry locks internally); one sheet per scrape.
public struct MetricsSheet: Sendable {
    let registry = PrometheusCollectorRegistry()

    public init() {}

    /// Sets a gauge series. `labels` are values, in the order of the family's label names.
    public func set(_ family: MetricFamily, _ labels: [String] = [], to value: Double) {
        precondition(family.kind == .gauge, "\(family.name) is not a gauge")
        registry.makeGauge(descriptor: family.descriptor, labels: family.pairs(labels)).set(value)
    }

    /// Records a counter series at its current cumulative value.
    public func count(_ family: MetricFamily, _ labels: [String] = [], _ value: UInt64) {
        precondition(family.kind == .counter, "\(family.name) is not a counter")
        registry.makeCounter(descriptor: family.descriptor, labels: family.pairs(labels))
            .increment(by: Int64(clamping: value))
    }

    /// The Prometheus text exposition (format 0.0.4).
    public func text() -> String {
        registry.emitToString()
    }
}

/// A metric's name, type, help and label names.
public struct MetricFamily: Sendable {
    public enum Kind: Sendable { case counter, gauge }

    public let name: String
    public let kind: Kind
    public let help: String
    public let labels: [String]

    public init(_ name: String, _ kind: Kind, _ help: String, labels: [String] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labels = labels
    }

    var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func pairs(_ values: [String]) -> [(String, String)] {
        precondition(values.count == labels.count, "\(name) takes labels \(labels)")
        return Array(zip(labels, values))
    }
}
