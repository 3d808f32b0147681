package dev.mcpauth.internal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A concurrent map with a size bound. When full, a put first drops an eighth of the entries, in the
 * map's own iteration order: cheap, lock-free for readers, and good enough for a cache whose entries
 * are all short-lived and equally cheap to recompute.
 */
public final class BoundedCache<K, V> {
  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
  private final int maxSize;

  public BoundedCache(int maxSize) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be positive");
    }
    this.maxSize = maxSize;
  }

  public V get(K key) {
    return map.get(key);
  }

  public void put(K key, V value) {
    if (map.size() >= maxSize) {
      int toDrop = Math.max(1, maxSize / 8);
      Iterator<K> keys = map.keySet().iterator();
      while (toDrop-- > 0 && keys.hasNext()) {
        keys.next();
        keys.remove();
      }
    }
    map.put(key, value);
  }

  public void remove(K key) {
    map.remove(key);
  }

  public void removeIf(Predicate<V> condition) {
    map.values().removeIf(condition);
  }

  public int size() {
    return map.size();
  }
}
