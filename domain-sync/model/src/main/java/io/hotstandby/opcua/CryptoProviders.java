package io.hotstandby.opcua;

import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Makes the algorithms of every OPC UA security policy the servers and tools use available: the JDK
 * has no {@code SHA256withRSA/PSS} under the name Milo asks for (Aes256_Sha256_RsaPss), Bouncy
 * Castle has.
 */
public final class CryptoProviders {
  private CryptoProviders() {}

  /** Adds Bouncy Castle once, after the JDK's own providers; harmless when called again. */
  public static synchronized void install() {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }
}
