/* Which sanitizer this translation unit is built with (gcc defines
 * __SANITIZE_*__, clang answers __has_feature), so code that switches stacks
 * or scans memory can tell ASan/TSan about it. One place for the test. */
#ifndef PYVM_SANITIZERS_H
#define PYVM_SANITIZERS_H

#if defined(__SANITIZE_ADDRESS__)
#define PYVM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PYVM_ASAN 1
#endif
#endif

#ifdef PYVM_ASAN
#define PYVM_ASAN_ON 1
#else
#define PYVM_ASAN_ON 0
#endif

#if defined(__SANITIZE_THREAD__)
#define PYVM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PYVM_TSAN 1
#endif
#endif

#endif
