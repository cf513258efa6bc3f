// Package dataset feeds images to Convscope's nn package: folders of photos
// read as Keras' flow_from_directory reads them, single images for the app
// and the command line, and a built-in generated dataset for people who
// bring none. It never imports Fyne.
//
// # Folders
//
// Scan (or ScanDir for a folder on disk) reads a root folder of class
// subfolders, such as the tutorial's train/cats and train/dogs: classes are
// the sorted subfolder names, a class's index is its position, and every
// file with an image extension under a class folder is one of its images.
// Split and ShuffleSplit make Keras' validation_split subsets. Folder's
// Iterator is an endless nn.BatchSource of (n, H, W, C) float32 batches,
// values pixel·rescale, with binary, categorical or sparse targets.
//
// Images stream from disk: an Iterator holds only a ring of prefetched
// samples (two batches, at least four per worker: 2.7 MB for batches of 20
// at 150×150×3) and, per decoding worker (GOMAXPROCS of them), one encoded
// file and one decoded image, whose size the pixel limit bounds (a
// 12-megapixel JPEG is 18 MB decoded; a 500×375 one 0.3 MB). Datasets whose
// samples fit in Options.CacheBytes (256 MiB, about 3,970 samples of
// 150×150×3: the tutorial's 2,000 training images take 135 MB) are decoded
// once and then served from memory.
//
// # Bad input
//
// Files that are empty, not images, corrupt, truncated or larger than the
// pixel limit (50 megapixels by default, checked from the header before
// decoding) are skipped, counted and reported with their path and the
// reason (Folder.Report, Iterator.Skipped); the rest are used. Folders
// without class subfolders, with a single class, or with a class that has
// no usable image are errors that name the folder and say what was
// expected.
//
// # Fidelity to Keras
//
// Pixels match what Keras' load_img gives through PIL 9.4: nearest (the
// default) and bilinear resizing are byte-for-byte PIL's, grayscale is
// PIL's convert("L"), alpha is dropped keeping the stored colours, lossy
// WebP is converted with libwebp's equations and a GIF's transparent entry
// keeps its stored colour. The differences, all deliberate or inherent:
//
//   - A JPEG's EXIF orientation is applied, so phone photos come out
//     upright; Keras ignores it and trains on them sideways.
//   - Files that cannot be read are skipped and reported; Keras stops.
//   - Hidden files and folders (".DS_Store", "._cat.1.jpg", ".thumbs/") and
//     "__MACOSX" are skipped; Keras would try to load the image-named ones.
//   - Extensions: Keras' png, jpg, jpeg, bmp, tif, tiff, plus gif and webp;
//     no ppm.
//   - Defaults: target 150×150 (the reference model's input; Keras: 256×256)
//     and rescale 1/255 (Keras: none).
//   - 16-bit PNG and TIFF keep the high 8 bits; PIL does the same for
//     colour, but clips 16-bit grayscale to 255 (nearly white).
//   - Go's JPEG decoder upsamples chroma by repetition where libjpeg
//     interpolates, and WebP likewise: a few levels of difference at sharp
//     colour edges. A GIF's first frame keeps its own bounds rather than
//     being placed on the logical screen.
//   - Shuffling uses its own random permutations (PCG seeded with seed and
//     pass), not numpy's, and batches are always full: they run on into
//     the next pass instead of ending a pass with a short batch.
//
// # Generated data
//
// Generated draws an unlimited, deterministic dataset of 150×150 RGB shape
// images (circles and crosses by default; five shapes for the multi-class
// variant) over random textures, with distractors, occlusion and noise.
// Only the shape depends on the class. WriteTree writes it out as a
// class-folder tree.
package dataset
