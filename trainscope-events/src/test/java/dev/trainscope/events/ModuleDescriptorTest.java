package dev.trainscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compiled module descriptor of {@code dev.trainscope.events} keeps the protobuf wire codec out
 * of the public API: {@code dev.trainscope.events.wire} is exported to the writer, the run store and
 * the graph module only, and no public signature of a package exported to everyone names a codec type.
 */
class ModuleDescriptorTest {
  private static final String WIRE = "dev.trainscope.events.wire";
  private static final Set<String> EXPORTED_TO_ALL =
      Set.of("dev.trainscope.events", "dev.trainscope.events.meaning", "dev.trainscope.events.proto");

  /** The directory the module's main classes were compiled to (target/classes). */
  private static Path mainClasses() throws URISyntaxException {
    Path p = Path.of(EventScanner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(p), "the main classes are a directory: " + p);
    return p;
  }

  private static ModuleDescriptor descriptor() throws IOException, URISyntaxException {
    try (InputStream in = Files.newInputStream(mainClasses().resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void theWireCodecIsExportedToItsThreeUsersOnly() throws Exception {
    ModuleDescriptor d = descriptor();
    assertEquals("dev.trainscope.events", d.name());
    Map<String, Set<String>> qualified = new TreeMap<>();
    Set<String> toAll = new TreeSet<>();
    for (ModuleDescriptor.Exports e : d.exports()) {
      if (e.isQualified()) {
        qualified.put(e.source(), e.targets());
      } else {
        toAll.add(e.source());
      }
    }
    assertEquals(new TreeSet<>(EXPORTED_TO_ALL), toAll, "the packages every module may use");
    assertEquals(Map.of(
            WIRE, Set.of("dev.trainscope.writer", "dev.trainscope.data", "dev.trainscope.graph"),
            "dev.trainscope.events.plugins", Set.of("dev.trainscope.writer")),
        qualified, "the packages exported to named modules only");
    assertTrue(d.opens().isEmpty(), "nothing is opened to reflection");
  }

  @Test
  void noPublicSignatureOfAnExportedPackageNamesTheCodec() throws Exception {
    Path root = mainClasses();
    List<String> leaks = new ArrayList<>();
    int checked = 0;
    for (String pkg : EXPORTED_TO_ALL) {
      Path dir = root.resolve(pkg.replace('.', '/'));
      List<String> names;
      try (Stream<Path> files = Files.list(dir)) {
        names = files.map(f -> f.getFileName().toString())
            .filter(n -> n.endsWith(".class"))
            .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
            .sorted()
            .collect(Collectors.toList());
      }
      for (String name : names) {
        Class<?> c = Class.forName(name, false, getClass().getClassLoader());
        if (!visible(c)) {
          continue;
        }
        checked++;
        List<Type> types = new ArrayList<>();
        types.add(c.getGenericSuperclass());
        types.addAll(List.of(c.getGenericInterfaces()));
        check(c.getName() + " (its supertypes)", types, leaks);
        for (Executable x : concat(c.getDeclaredMethods(), c.getDeclaredConstructors())) {
          if (api(x)) {
            List<Type> sig = new ArrayList<>(List.of(x.getGenericParameterTypes()));
            sig.addAll(List.of(x.getGenericExceptionTypes()));
            if (x instanceof Method m) {
              sig.add(m.getGenericReturnType());
            }
            check(c.getName() + "." + x.getName(), sig, leaks);
          }
        }
        for (Field f : c.getDeclaredFields()) {
          if (api(f)) {
            check(c.getName() + "." + f.getName(), List.of(f.getGenericType()), leaks);
          }
        }
      }
    }
    assertTrue(checked > 40, "the public classes were found: " + checked);
    assertEquals(List.of(), leaks, "public signatures that name a type of " + WIRE);
  }

  private static List<Executable> concat(Executable[] a, Executable[] b) {
    List<Executable> all = new ArrayList<>(Arrays.asList(a));
    all.addAll(Arrays.asList(b));
    return all;
  }

  /** A public class whose enclosing classes are public too. */
  private static boolean visible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return !c.isSynthetic() && !c.isAnonymousClass();
  }

  /** Public, or protected in a class that can be extended. */
  private static boolean api(Member m) {
    if (m.isSynthetic()) {
      return false;
    }
    int mod = m.getModifiers();
    return Modifier.isPublic(mod)
        || (Modifier.isProtected(mod) && !Modifier.isFinal(m.getDeclaringClass().getModifiers()));
  }

  private static void check(String where, List<Type> types, List<String> leaks) {
    for (Type t : types) {
      if (t != null && namesTheCodec(t)) {
        leaks.add(where + ": " + t.getTypeName());
      }
    }
  }

  private static boolean namesTheCodec(Type t) {
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      return c.getPackageName().equals(WIRE);
    }
    if (t instanceof ParameterizedType p) {
      return namesTheCodec(p.getRawType())
          || Stream.of(p.getActualTypeArguments()).anyMatch(ModuleDescriptorTest::namesTheCodec);
    }
    if (t instanceof GenericArrayType a) {
      return namesTheCodec(a.getGenericComponentType());
    }
    if (t instanceof WildcardType w) {
      return Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .anyMatch(ModuleDescriptorTest::namesTheCodec);
    }
    return false; // type variables: their bounds are declared where the variable is
  }
}
