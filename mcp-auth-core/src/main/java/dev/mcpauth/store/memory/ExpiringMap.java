package dev.mcpauth.store.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A concurrent map whose entries lapse at their own instant. Lookups never return a lapsed entry.
 * Lapsed entries are removed a few at a time by the operations themselves, oldest first, through an
 * index ordered by expiry, so no request ever pays for a sweep of the whole map and no thread is
 * needed.
 */
final class ExpiringMap<K, V> {
  /** Removals done per write: more than one, so the map shrinks faster than it grows. */
  private static final int PURGE_BATCH = 8;

  private record Entry<V>(V value, Instant expiresAt, long sequence) {}

  private record Expiry<K>(Instant at, long sequence, K key) implements Comparable<Expiry<K>> {
    @Override
    public int compareTo(Expiry<K> other) {
      int byTime = at.compareTo(other.at);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<Expiry<K>> byExpiry = new ConcurrentSkipListSet<>();
  private final AtomicLong sequences = new AtomicLong();
  private final Clock clock;

  ExpiringMap(Clock clock) {
    this.clock = clock;
  }

  /** Inserts or replaces; {@code expiresAt} {@code null} means never. */
  void put(K key, V value, Instant expiresAt) {
    forgetIndexOf(key, entries.put(key, newEntry(key, value, expiresAt)));
    purgeSome();
  }

  /**
   * Replaces a live entry's value and expiry, atomically; nothing when there is none (lapsed or
   * removed meanwhile). @return whether it replaced
   */
  boolean replaceIfLive(K key, V value, Instant expiresAt) {
    boolean[] replaced = new boolean[1];
    Object[] previous = new Object[1];
    entries.computeIfPresent(key, (k, entry) -> {
      if (!live(entry)) {
        return entry;
      }
      replaced[0] = true;
      previous[0] = entry;
      return newEntry(k, value, expiresAt);
    });
    @SuppressWarnings("unchecked")
    Entry<V> old = (Entry<V>) previous[0];
    forgetIndexOf(key, old);
    purgeSome();
    return replaced[0];
  }

  /** Drops a replaced entry's expiry record, so that an often-renewed key keeps one record, not one per renewal. */
  private void forgetIndexOf(K key, Entry<V> replaced) {
    if (replaced != null && replaced.expiresAt != null) {
      byExpiry.remove(new Expiry<>(replaced.expiresAt, replaced.sequence, key));
    }
  }

  /** Records in the expiry index (for tests: it must not outgrow the map). */
  int indexSize() {
    return byExpiry.size();
  }

  /** Inserts unless a live entry is there, atomically. @return whether it inserted */
  boolean putIfAbsent(K key, V value, Instant expiresAt) {
    boolean[] inserted = new boolean[1];
    entries.compute(key, (k, entry) -> {
      if (live(entry)) {
        return entry;
      }
      inserted[0] = true;
      return newEntry(k, value, expiresAt);
    });
    purgeSome();
    return inserted[0];
  }

  /** Removes the entry if it holds {@code value}, atomically. */
  void remove(K key, V value) {
    entries.computeIfPresent(key, (k, entry) -> entry.value.equals(value) ? null : entry);
  }

  Optional<V> get(K key) {
    Entry<V> entry = entries.get(key);
    return live(entry) ? Optional.of(entry.value) : Optional.empty();
  }

  Optional<V> remove(K key) {
    Entry<V> removed = entries.remove(key);
    return live(removed) ? Optional.of(removed.value) : Optional.empty();
  }

  /**
   * Atomically replaces a live entry's value, keeping its expiry, and returns what {@code update}
   * returned. {@code update} gets the current value and returns the new one plus a result.
   */
  <R> Optional<R> update(K key, BiFunction<V, Instant, Update<V, R>> update) {
    Object[] result = new Object[1];
    entries.computeIfPresent(
        key,
        (k, entry) -> {
          if (!live(entry)) {
            return entry;
          }
          Update<V, R> change = update.apply(entry.value, entry.expiresAt);
          result[0] = change.result();
          return new Entry<>(change.value(), entry.expiresAt, entry.sequence);
        });
    @SuppressWarnings("unchecked")
    R typed = (R) result[0];
    return Optional.ofNullable(typed);
  }

  record Update<V, R>(V value, R result) {}

  /** Removes every entry whose value matches (a scan: for rare operations such as ending a user's sessions). */
  void removeValues(java.util.function.Predicate<V> matches) {
    entries.values().removeIf(entry -> matches.test(entry.value));
  }

  int size() {
    return entries.size();
  }

  private Entry<V> newEntry(K key, V value, Instant expiresAt) {
    long sequence = sequences.incrementAndGet();
    if (expiresAt != null) {
      byExpiry.add(new Expiry<>(expiresAt, sequence, key));
    }
    return new Entry<>(value, expiresAt, sequence);
  }

  private boolean live(Entry<V> entry) {
    return entry != null && (entry.expiresAt == null || clock.instant().isBefore(entry.expiresAt));
  }

  private void purgeSome() {
    Instant now = clock.instant();
    for (int i = 0; i < PURGE_BATCH; i++) {
      Expiry<K> first = byExpiry.isEmpty() ? null : byExpiry.first();
      if (first == null || first.at.isAfter(now)) {
        return;
      }
      if (byExpiry.remove(first)) {
        // Only remove the entry this index record was made for, not a newer one under the same key.
        entries.computeIfPresent(first.key, (k, e) -> e.sequence == first.sequence ? null : e);
      }
    }
  }
}
