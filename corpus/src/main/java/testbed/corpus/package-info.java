/**
 * The corpus: malicious, buggy and benign extensions, each one class file carrying its own
 * expected outcome per protection mode, and the discovery that finds them by scanning.
 *
 * <p>The public face is small: {@link testbed.corpus.Corpus} (discovery),
 * {@link testbed.corpus.CorpusEntry} (one discovered entry), the metadata annotations
 * {@link testbed.corpus.Entry} and {@link testbed.corpus.Expect}, the vocabulary
 * {@link testbed.corpus.Family} and {@link testbed.corpus.Outcome}, and the two ways discovery
 * reports trouble, {@link testbed.corpus.EntryDefect} (a class that should be an entry and is not)
 * and {@link testbed.corpus.CorpusException} (a name or a source it cannot serve). The entries
 * themselves live in {@code testbed.corpus.entries.<family>} and are data to this package: they
 * are read as bytes, never loaded here.
 */
package testbed.corpus;
